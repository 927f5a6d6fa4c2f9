import Foundation
import Testing
import DigitsKit
import DigitsTestSupport

@Suite struct SHA256Tests {
    @Test func fipsExampleVectors() {
        #expect(SHA256.hex(of: Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(of: []) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(
            SHA256.hex(of: Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(
            SHA256.hex(of: [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func piecesGiveTheSameDigestAsTheWhole() {
        let bytes = DataTestSupport.pseudoRandomBytes(count: 10_000, seed: 3)
        for split in [1, 55, 56, 63, 64, 65, 4_097] {
            var hash = SHA256()
            var offset = 0
            while offset < bytes.count {
                let end = min(offset + split, bytes.count)
                hash.update(bytes[offset ..< end])
                offset = end
            }
            #expect(SHA256.hexString(hash.finalize()) == SHA256.hex(of: bytes), "pieces of \(split)")
        }
    }

    @Test func agreesWithSha256sum() throws {
        let directory = try TemporaryDirectory()
        let bytes = DataTestSupport.pseudoRandomBytes(count: 123_457, seed: 11)
        try directory.write(bytes, to: "sample")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sha256sum", directory.file("sample")]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "sha256sum is not installed")
        #expect(output.prefix(64) == SHA256.hex(of: bytes))
    }
}

@Suite struct GzipStreamTests {
    private func inflate(_ bytes: [UInt8], pieces: Int) throws -> ([UInt8], Bool) {
        let stream = try GzipStream(source: "test")
        var output: [UInt8] = []
        var offset = 0
        while offset < bytes.count {
            let end = min(offset + pieces, bytes.count)
            try Array(bytes[offset ..< end]).withUnsafeBytes { piece in
                try stream.feed(piece) { output += $0 }
            }
            offset = end
        }
        return (output, stream.isComplete)
    }

    @Test func piecesDecompressLikeTheWhole() throws {
        let original =
            DataTestSupport.pseudoRandomBytes(count: 200_000, seed: 5) + [UInt8](repeating: 7, count: 300_000)
        let members = Gzip.compress(original) + Gzip.compress(Array("tail".utf8)) + [0, 0, 0]
        for pieces in [1_000, 16_384, members.count] {
            let (output, complete) = try inflate(members, pieces: pieces)
            #expect(output == original + Array("tail".utf8))
            #expect(complete)
        }
    }

    @Test func aCutStreamIsIncompleteAndGarbageIsRefused() throws {
        let compressed = Gzip.compress(DataTestSupport.pseudoRandomBytes(count: 5_000, seed: 2))
        #expect(try inflate(Array(compressed.dropLast(10)), pieces: 100).1 == false)
        #expect(throws: GzipError.notGzip(file: "test")) { try inflate(Array("<html>".utf8), pieces: 10) }
        #expect(throws: GzipError.self) { try inflate(compressed + [0, 5], pieces: 100) }
    }
}

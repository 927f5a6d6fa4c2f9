import Foundation
import Testing
import DigitsKit
import DigitsTestSupport

/// The rule that picks the data folder: the one named, else `$DIGITS_DATA`, else `data/mnist` if it
/// exists, else the per-user cache.
@Suite struct MNISTLocationTests {
    private let subset = DataTestSupport.subsetDirectory

    @Test func anExplicitFolderWinsOverTheEnvironment() throws {
        let directory = try MNISTDirectory.locate(explicit: subset, environment: ["DIGITS_DATA": "/nowhere"])
        #expect(directory == MNISTDirectory(path: subset, origin: .explicit))
    }

    @Test func environmentIsUsedWithoutTheOption() throws {
        let directory = try MNISTDirectory.locate(explicit: nil, environment: ["DIGITS_DATA": subset])
        #expect(directory == MNISTDirectory(path: subset, origin: .environment))
    }

    @Test(arguments: [[:], ["DIGITS_DATA": ""]])
    func defaultFolderIsUsedWithNeitherOptionNorEnvironment(environment: [String: String]) {
        // Whether ./data/mnist exists depends on where the tests run; the rule must pick it either way.
        do {
            let directory = try MNISTDirectory.locate(explicit: nil, environment: environment)
            #expect(directory == MNISTDirectory(path: "data/mnist", origin: .defaultLocation))
        } catch .directoryMissing(let path, let origin), .filesMissing(let path, let origin, _) {
            #expect(path == "data/mnist")
            #expect(origin == .defaultLocation)
        } catch {
            Issue.record("unexpected error: \(error)")
        }
    }

    @Test func explicitChoiceIsNotReplacedWhenItIsWrong() throws {
        try DataTestSupport.withTemporaryDirectory { directory in
            let absent = directory + "/absent"
            #expect(throws: MNISTError.directoryMissing(path: absent, origin: .explicit)) {
                try MNISTDirectory.locate(explicit: absent, environment: ["DIGITS_DATA": subset])
            }
            #expect(throws: MNISTError.filesMissing(directory: directory, origin: .environment, missing: MNISTFile.all))
            {
                try MNISTDirectory.locate(explicit: nil, environment: ["DIGITS_DATA": directory])
            }
        }
    }

    @Test func onlyTheRequestedSplitsMustBePresent() throws {
        try DataTestSupport.withTemporaryDirectory { directory in
            let labels = IDXArray(dimensions: [1], values: [UInt8(4)])
            let images = IDXArray(dataType: .uint8, dimensions: [1, 28, 28], bytes: [UInt8](repeating: 0, count: 784))
            try images.write(toFile: directory + "/t10k-images-idx3-ubyte.gz", gzip: true)
            try labels.write(toFile: directory + "/t10k-labels-idx1-ubyte.gz", gzip: true)
            let found = try MNISTDirectory.locate(explicit: directory, environment: [:], splits: [.test])
            #expect(try found.load(.test).labels == [4])
            #expect(
                throws: MNISTError.filesMissing(
                    directory: directory, origin: .explicit,
                    missing: [MNISTFile(.train, .images), MNISTFile(.train, .labels)])
            ) {
                try MNISTDirectory.locate(explicit: directory, environment: [:])
            }
        }
    }

    @Test func missingDataMessageNamesTheFolderAndTheFilesLookedFor() {
        let errors: [MNISTError] = [
            .directoryMissing(path: "data/mnist", origin: .defaultLocation),
            .filesMissing(directory: "/some/where", origin: .environment, missing: [MNISTFile(.test, .labels)]),
        ]
        #expect(errors[0].description.contains("data/mnist"))
        #expect(errors[0].description.contains("no folder was named and DIGITS_DATA was not set"))
        #expect(errors[1].description.contains("/some/where (from the DIGITS_DATA environment variable)"))
        #expect(
            errors[1].description.contains(
                "t10k-labels-idx1-ubyte: looked for t10k-labels-idx1-ubyte, "
                    + "t10k-labels-idx1-ubyte.gz"))
    }

    @Test func withoutDataMNISTTheUserCacheIsChosen() {
        // The rule looks for ./data/mnist in the current directory; only where it is absent does
        // the cache come into play.
        guard !FileManager.default.fileExists(atPath: MNISTDirectory.defaultPath) else {
            print("./data/mnist exists here; the cache rule is checked only where it does not.")
            return
        }
        #expect(
            MNISTDirectory.choose(explicit: nil, environment: ["XDG_CACHE_HOME": "/tmp/c", "HOME": "/home/u"])
                == MNISTDirectory(path: "/tmp/c/digits/mnist", origin: .userCache))
        #expect(
            MNISTDirectory.choose(explicit: nil, environment: ["XDG_CACHE_HOME": "relative", "HOME": "/home/u/"])
                == MNISTDirectory(path: "/home/u/.cache/digits/mnist", origin: .userCache))
        #expect(
            MNISTDirectory.choose(explicit: nil, environment: [:])
                == MNISTDirectory(path: "data/mnist", origin: .defaultLocation))
        #expect(MNISTDirectory.choose(explicit: nil, environment: ["HOME": "/h"]).isDefault)
        #expect(!MNISTDirectory.choose(explicit: "x", environment: ["HOME": "/h"]).isDefault)
        #expect(!MNISTDirectory.choose(explicit: nil, environment: ["DIGITS_DATA": "d", "HOME": "/h"]).isDefault)
    }

    @Test func theUserCacheFollowsXDGThenHome() {
        #expect(
            MNISTDirectory.userCachePath(environment: ["XDG_CACHE_HOME": "/x/", "HOME": "/h"]) == "/x/digits/mnist")
        #expect(
            MNISTDirectory.userCachePath(environment: ["XDG_CACHE_HOME": "", "HOME": "/h"]) == "/h/.cache/digits/mnist")
        #expect(MNISTDirectory.userCachePath(environment: [:]) == nil)
    }
}

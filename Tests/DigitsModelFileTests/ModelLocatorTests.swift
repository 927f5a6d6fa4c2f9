import DigitsKit
import DigitsTestSupport
import Foundation
import Testing

@Suite struct ModelLocatorTests {
    @Test func explicitPathWinsThenTheEnvironmentThenTheBuiltInModel() {
        #expect(
            ModelLocator.locate(explicit: "a.safetensors", environment: ["DIGITS_MODEL": "b"]) == .file("a.safetensors")
        )
        #expect(
            ModelLocator.locate(explicit: nil, environment: ["DIGITS_MODEL": "b.safetensors"]) == .file("b.safetensors")
        )
        #expect(ModelLocator.locate(explicit: nil, environment: ["DIGITS_MODEL": ""]) == .builtIn)
        #expect(ModelLocator.locate(explicit: nil, environment: [:]) == .builtIn)
    }

    @Test func sourcesDescribeThemselves() {
        #expect(ModelSource.file("m/x.safetensors").description == "m/x.safetensors")
        #expect(ModelSource.builtIn.description == "built-in (mnist-mlp.safetensors)")
    }
}

@Suite struct ShippedModelTests {
    @Test func theBuiltInBytesAreTheShippedFileByteForByte() throws {
        let onDisk = try Data(
            contentsOf: URL(fileURLWithPath: DataTestSupport.packageRoot + "/" + ShippedModel.packagePath))
        let embedded = ShippedModel.bytes
        #expect(embedded.count == onDisk.count)
        #expect(embedded == [UInt8](onDisk))
    }

    @Test func theBuiltInModelLoadsAsTheShippedFileDoes() throws {
        let fromFile = try ModelFile(contentsOf: DataTestSupport.packageRoot + "/" + ShippedModel.packagePath)
        #expect(try ModelSource.builtIn.load() == fromFile)
        #expect(try ShippedModel.load() == fromFile)
    }
}

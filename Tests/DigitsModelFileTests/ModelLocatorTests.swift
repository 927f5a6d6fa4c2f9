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

    @Test("the built-in digit verifier is the shipped file, a 784 → … → 11 network with its training record")
    func theBuiltInVerifierLoadsAsTheShippedFileDoes() throws {
        let path = DataTestSupport.packageRoot + "/" + ShippedModel.verifierPackagePath
        let fromFile = try ModelFile(contentsOf: path, outputs: ModelFile.verifierOutputCount)
        #expect(try ShippedModel.loadVerifier() == fromFile)
        #expect(fromFile.model.inputCount == 784)
        #expect(fromFile.model.outputCount == 11)
        #expect(fromFile.trainingRecord.summary?.contains("scripts/train-verifier") == true)
    }

    @Test("the built-in cut scorer is the shipped file, a 784 → … → 2 network with its training record")
    func theBuiltInCutScorerLoadsAsTheShippedFileDoes() throws {
        let path = DataTestSupport.packageRoot + "/" + ShippedModel.cutScorerPackagePath
        let fromFile = try ModelFile(contentsOf: path, outputs: ModelFile.cutScorerOutputCount)
        #expect(try ShippedModel.loadCutScorer() == fromFile)
        #expect(fromFile.model.inputCount == 784)
        #expect(fromFile.model.outputCount == 2)
        #expect(fromFile.trainingRecord.summary?.contains("scripts/train-verifier") == true)
        #expect {
            try ModelFile(contentsOf: path, outputs: ModelFile.verifierOutputCount)
        } throws: {
            "\($0)".contains("the last layer gives 2 outputs; the digit verifier needs 11")
        }
        #expect {
            try ModelFile(contentsOf: DataTestSupport.packageRoot + "/" + ShippedModel.packagePath, outputs: 2)
        } throws: {
            "\($0)".contains("the last layer gives 10 outputs; the cut scorer needs 2")
        }
    }

    @Test("the verifier is refused where a digit classifier is expected, and the other way round")
    func verifierAndClassifierAreNotMistakenForEachOther() throws {
        let verifier = DataTestSupport.packageRoot + "/" + ShippedModel.verifierPackagePath
        let classifier = DataTestSupport.packageRoot + "/" + ShippedModel.packagePath
        #expect {
            try ModelFile(contentsOf: verifier)
        } throws: {
            "\($0)".contains("the last layer gives 11 outputs; a digit classifier needs 10")
        }
        #expect {
            try ModelFile(contentsOf: classifier, outputs: ModelFile.verifierOutputCount)
        } throws: {
            "\($0)".contains("the last layer gives 10 outputs; the digit verifier needs 11")
        }
    }
}

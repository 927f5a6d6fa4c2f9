import Testing
import DigitsKit
import DigitsTestSupport

@Suite struct ModelLocatorTests {
    @Test func explicitPathWinsThenTheEnvironment() throws {
        #expect(
            try ModelLocator.locate(explicit: "a.safetensors", environment: ["DIGITS_MODEL": "b"]) == "a.safetensors")
        #expect(
            try ModelLocator.locate(explicit: nil, environment: ["DIGITS_MODEL": "b.safetensors"]) == "b.safetensors")
    }

    @Test func theShippedModelIsFoundFromTheWorkingDirectoryOrAboveTheExecutable() throws {
        let root = DataTestSupport.packageRoot
        #expect(
            try ModelLocator.locate(explicit: nil, environment: [:], currentDirectory: root, executablePath: nil)
                == root + "/" + ModelLocator.shippedModelPath)
        // A binary built inside the checkout finds the model from anywhere.
        let found = try ModelLocator.locate(
            explicit: nil, environment: ["DIGITS_MODEL": ""], currentDirectory: "/",
            executablePath: root + "/.build/release/digits")
        #expect(found == root + "/" + ModelLocator.shippedModelPath)
    }

    @Test func nothingFoundListsWhereItLooked() {
        #expect {
            _ = try ModelLocator.locate(
                explicit: nil, environment: [:], currentDirectory: "/nonexistent",
                executablePath: "/nonexistent/bin/digits")
        } throws: { error in
            let message = "\(error)"
            return message.contains("/nonexistent/Models/mnist-mlp.safetensors")
        }
    }
}

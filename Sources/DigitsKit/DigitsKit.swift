// The umbrella module: `import DigitsKit` gives the public API of every layer.
@_exported import DigitsClassifier
@_exported import DigitsData
@_exported import DigitsDownload
@_exported import DigitsFileSystem
@_exported import DigitsImaging
@_exported import DigitsModel
@_exported import DigitsModelFile
@_exported import DigitsReading
@_exported import DigitsReport
@_exported import DigitsServer
@_exported import DigitsTensor
@_exported import DigitsTerminal
@_exported import DigitsTraining
@_exported import DigitsWalkthrough

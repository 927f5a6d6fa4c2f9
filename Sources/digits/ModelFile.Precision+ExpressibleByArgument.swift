import ArgumentParser
import DigitsKit

extension ModelFile.Precision: ExpressibleByArgument {}

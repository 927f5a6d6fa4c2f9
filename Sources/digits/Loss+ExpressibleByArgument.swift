import ArgumentParser
import DigitsKit

extension Loss: ExpressibleByArgument {}

import ArgumentParser
import DigitsKit

extension Optimizer.Method: ExpressibleByArgument {}

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DigitsTestSupport

/// The Swift code of the articles in `Sources/DigitsKit/DigitsKit.docc`, so that a test can check
/// that every code block of an article is also in the test that compiles and runs it.
enum ArticleCode {
    /// The catalog's folder.
    static let catalog = DataTestSupport.packageRoot + "/Sources/DigitsKit/DigitsKit.docc"

    /// The ```swift blocks of the article `name` (without `.md`), in order, one string each.
    static func swiftBlocks(ofArticle name: String) throws -> [String] {
        let text = try String(contentsOfFile: catalog + "/" + name + ".md", encoding: .utf8)
        var blocks: [String] = [], current: [String]?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if current == nil, trimmed == "```swift" {
                current = []
            } else if let lines = current, trimmed == "```" {
                blocks.append(lines.joined(separator: "\n"))
                current = nil
            } else {
                current?.append(String(line))
            }
        }
        return blocks
    }

    /// The blocks of the article `name` that do not appear in the Swift file at `sourcePath`.
    ///
    /// A block appears when its lines are consecutive lines of the file, each exactly as in the
    /// article after one common indentation (so a block may sit inside a type or a function);
    /// blank lines match blank lines.
    static func blocks(ofArticle name: String, missingFrom sourcePath: String) throws -> [String] {
        let source = try String(contentsOfFile: sourcePath, encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        return try swiftBlocks(ofArticle: name).filter { block in
            let lines = block.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            return !source.indices.contains { start in appears(lines, in: source, at: start) }
        }
    }

    private static func appears(_ lines: [String], in source: [String], at start: Int) -> Bool {
        guard let first = lines.first, start + lines.count <= source.count, source[start].hasSuffix(first) else {
            return false
        }
        let indentation = String(source[start].dropLast(first.count))
        guard indentation.allSatisfy({ $0 == " " }) else { return false }
        return zip(lines, source[start...]).allSatisfy { line, sourceLine in
            line.isEmpty ? sourceLine.trimmingCharacters(in: .whitespaces).isEmpty : sourceLine == indentation + line
        }
    }
}

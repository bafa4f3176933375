import Foundation

extension TemplateSet {
    /// Reads `subject.mustache`, `text.mustache` and `html.mustache` (UTF-8) from `directory`.
    /// - Throws: `TemplateError.unreadableFile` naming the first file missing or not UTF-8.
    public init(directory: URL) throws(TemplateError) {
        var set = TemplateSet(subject: "", text: "", html: "")
        for part in TemplatePart.allCases {
            let file = directory.appendingPathComponent(part.filename)
            let data: Data
            do {
                data = try Data(contentsOf: file)
            } catch {
                throw .unreadableFile(path: file.path, reason: error.localizedDescription)
            }
            guard let source = String(data: data, encoding: .utf8) else {
                throw .unreadableFile(path: file.path, reason: "not UTF-8")
            }
            set[part] = source
        }
        self = set
    }

    /// Writes the three parts into `directory` (created when missing), replacing existing files.
    public func write(to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for part in TemplatePart.allCases {
            try Data(self[part].utf8).write(to: directory.appendingPathComponent(part.filename), options: .atomic)
        }
    }
}

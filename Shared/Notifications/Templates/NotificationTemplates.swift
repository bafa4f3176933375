import Mustache

/// A template set compiled once, rendering views into subjects and bodies.
///
/// Every part renders with Mustache's TEXT content type: the subject and text parts get values as
/// written (no HTML entities), the HTML part gets values already escaped by
/// `NotificationView.mustacheContext(for: .html)`, so no template, shipped or overridden, can let a
/// user's markup into the HTML.
public struct NotificationTemplates: Sendable {
    /// The sources this was compiled from.
    public let source: TemplateSet
    private let subject: MustacheTemplate
    private let text: MustacheTemplate
    private let html: MustacheTemplate

    /// The content-type pragma put before each part, on a line of its own (a standalone tag, so
    /// it adds no text): values are never escaped by Mustache.
    private static let textPragma = "{{% CONTENT_TYPE: TEXT}}\n"

    /// Compiles the three parts.
    /// - Throws: `TemplateError.doesNotCompile` naming the part, Mustache's reason and position,
    ///   or `TemplateError.tooLarge`.
    public init(_ set: TemplateSet) throws(TemplateError) {
        source = set
        subject = try Self.compile(set.subject, part: .subject)
        text = try Self.compile(set.text, part: .text)
        html = try Self.compile(set.html, part: .html)
    }

    /// The shipped defaults, compiled (they are tested to compile).
    public static let shipped: NotificationTemplates = {
        do {
            return try NotificationTemplates(.defaults)
        } catch {
            preconditionFailure("the shipped notification templates do not compile: \(error)")
        }
    }()

    /// Renders `view`; the subject comes out as one line (`SubjectLine.normalize`).
    public func render(_ view: NotificationView) -> RenderedNotification {
        let plain = view.mustacheContext(for: .text)
        return RenderedNotification(
            subject: SubjectLine.normalize(subject.render(plain)),
            text: text.render(plain),
            html: html.render(view.mustacheContext(for: .html)))
    }

    private static func compile(_ source: String, part: TemplatePart) throws(TemplateError) -> MustacheTemplate {
        guard source.utf8.count <= TemplateSet.maximumPartBytes else { throw .tooLarge(part: part, bytes: source.utf8.count) }
        // Compiled alone first, so positions in an error are the author's own.
        do {
            _ = try MustacheTemplate(string: source)
        } catch let error as MustacheTemplate.ParserError {
            throw .doesNotCompile(
                part: part, line: error.context.lineNumber, column: error.context.columnNumber, reason: "\(error.error)")
        } catch {
            throw .doesNotCompile(part: part, line: 0, column: 0, reason: "\(error)")
        }
        do {
            return try MustacheTemplate(string: textPragma + source)
        } catch {
            throw .doesNotCompile(part: part, line: 0, column: 0, reason: "with the TEXT content type: \(error)")
        }
    }
}

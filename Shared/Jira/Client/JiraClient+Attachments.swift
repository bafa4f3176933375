import Curl
import Foundation

extension JiraClient {
    /// Attaches a file to an issue (`POST /rest/api/3/issue/{key}/attachments`, multipart, with
    /// `X-Atlassian-Token: no-check` as Jira requires) and returns the new attachments' metadata.
    ///
    /// Not retried after a 5xx or a broken connection (Jira may have stored it).
    ///
    /// - Throws: ``JiraError`` `invalidArgument` for an empty file name or a file over
    ///   ``Configuration/maxUploadBytes``; 413 from Jira when over the site's limit.
    public func addAttachment(issue idOrKey: String, filename: String, contentType: String, bytes: [UInt8]) async throws -> [JiraAttachment] {
        let issue = try Self.segment(idOrKey, "issue")
        let path = "/rest/api/3/issue/\(issue)/attachments"
        guard !filename.isEmpty else {
            throw JiraError(kind: .invalidArgument, request: "POST \(path)", message: "the attachment's file name is empty")
        }
        guard bytes.count <= configuration.maxUploadBytes else {
            throw JiraError(
                kind: .invalidArgument, request: "POST \(path)",
                message: "attachment of \(bytes.count) bytes exceeds maxUploadBytes (\(configuration.maxUploadBytes))"
            )
        }
        let form = MultipartFormData(field: "file", filename: filename, contentType: contentType, bytes: bytes)
        let request = JiraRequest(
            .post, path, headers: ["X-Atlassian-Token": "no-check", "Content-Type": form.contentType], body: form.body
        )
        return try decode([JiraAttachment].self, from: try await send(request), request)
    }

    /// Downloads an attachment's content (`GET /rest/api/3/attachment/content/{id}`) into `file`
    /// and returns its size.
    ///
    /// Jira answers with a redirect to its media store; redirects are followed one hop at a
    /// time (at most ``Configuration/maxRedirects``): a hop within the site is signed afresh, a
    /// hop elsewhere is sent without our credentials (the media URL carries its own token). The
    /// body streams to `file` (mode 0600) and stops at `maxBytes`.
    ///
    /// - Throws: ``JiraError``: `http` with Jira's status (404: no such attachment), `transport`
    ///   when the body exceeds `maxBytes` (not retriable) or the exchange fails. The file is
    ///   removed on failure.
    public func downloadAttachment(id: String, to file: URL, maxBytes: Int64) async throws -> Int64 {
        let attachment = try Self.segment(id, "attachment")
        let first = JiraRequest(.get, "/rest/api/3/attachment/content/\(attachment)")
        return try await withRetries(first) {
            var request = try authenticated(first, accept: "*/*")
            var context = first.context
            for _ in 0...configuration.maxRedirects {
                let result: HTTPDownload
                do {
                    result = try await limiter.withPermit(site: site.baseURL) { [client, request] in
                        try await client.download(request, to: file, maxBytes: maxBytes)
                    }
                } catch let error as CurlError {
                    throw Self.transportError(error, first)
                }
                if (300..<400).contains(result.status), let location = result.headers["Location"] {
                    try? FileManager.default.removeItem(at: file)
                    guard let target = URL(string: location, relativeTo: request.url)?.absoluteURL else {
                        throw JiraError(kind: .invalidResponse, request: context, status: result.status, message: "unusable redirect Location")
                    }
                    (request, context) = try redirectRequest(to: target)
                    continue
                }
                guard result.isSuccess else {
                    let body = (try? await BlockingWork.run { () throws -> [UInt8] in
                        let handle = try FileHandle(forReadingFrom: file)
                        defer { try? handle.close() }
                        return Array(try handle.read(upToCount: 64 << 10) ?? Data())
                    }) ?? []
                    try? FileManager.default.removeItem(at: file)
                    throw JiraError.from(status: result.status, headers: Self.headerMap(result.headers), body: body, request: context)
                }
                return result.byteCount
            }
            throw JiraError(kind: .invalidResponse, request: first.context, message: "more than \(configuration.maxRedirects) redirects")
        }
    }

    /// The request for a redirect target: signed when it is on the site, else bare.
    private func redirectRequest(to target: URL) throws(JiraError) -> (HTTPRequest, String) {
        guard let siteURL = URL(string: site.baseURL) else {
            throw JiraError(kind: .invalidArgument, request: "GET", message: "the site's base URL is not a URL")
        }
        let sameOrigin = target.scheme?.lowercased() == siteURL.scheme?.lowercased()
            && target.host?.lowercased() == siteURL.host?.lowercased()
            && (target.port ?? Self.defaultPort(target)) == (siteURL.port ?? Self.defaultPort(siteURL))
        let basePath = siteURL.path.hasSuffix("/") ? String(siteURL.path.dropLast()) : siteURL.path
        let components = URLComponents(url: target, resolvingAgainstBaseURL: false)
        let rawPath = components?.percentEncodedPath ?? target.path
        if sameOrigin, rawPath == basePath || rawPath.hasPrefix(basePath + "/") {
            let relative = String(rawPath.dropFirst(basePath.count))
            let query = CanonicalRequest.parseQuery(Substring(components?.percentEncodedQuery ?? ""))
            let next = JiraRequest(.get, relative, query: query)
            return (try authenticated(next, accept: "*/*"), next.context)
        }
        let host = target.host ?? "?"
        return (HTTPRequest(method: .get, url: target, headers: ["Accept": "*/*"]), "GET \(host)\(target.path)")
    }

    private static func defaultPort(_ url: URL) -> Int {
        url.scheme?.lowercased() == "https" ? 443 : 80
    }
}

import Curl
import Foundation

/// HTTP for tests: one client, JSON posts, and answers as text.
public enum TestHTTP {
    /// Shared by the tests of a target (30 s timeout).
    public static let client = HTTPClient(configuration: .init(timeout: .seconds(30)))

    /// Posts `json` (serialised with `JSONSerialization`) with `Content-Type: application/json`.
    public static func postJSON(_ url: String, _ json: Any, headers extra: [String: String] = [:]) async throws -> HTTPResponse {
        var headers: HTTPHeaders = ["Content-Type": "application/json"]
        for (name, value) in extra { headers.add(name: name, value: value) }
        return try await client.execute(
            HTTPRequest(method: .post, url: URL(string: url)!, headers: headers, body: Array(try JSONSerialization.data(withJSONObject: json))))
    }
}

extension HTTPResponse {
    /// The body as UTF-8 text.
    public var text: String { String(decoding: body, as: UTF8.self) }
}

import Curl
import Foundation

/// Where the public keys of Atlassian's signed install callbacks come from, by key id (`kid`).
///
/// Atlassian serves them at `https://connect-install-keys.atlassian.com/<kid>`; this network is
/// closed, so a deployment names either a directory holding `<kid>` or `<kid>.pem` files, or a
/// base URL (the real one, a mirror, or the simulator's) to fetch `<base>/<kid>` from.
public struct ConnectInstallKeys: Sendable {
    enum Source: Sendable {
        case directory(String)
        case server(URL, HTTPClient)
    }

    let source: Source

    /// Keys read from files in `path`: `<kid>.pem`, else `<kid>`.
    public static func directory(_ path: String) -> ConnectInstallKeys {
        ConnectInstallKeys(source: .directory(path))
    }

    /// Keys fetched from `<baseURL>/<kid>` (a PEM body).
    public static func server(_ baseURL: URL, client: HTTPClient = HTTPClient(configuration: .init(timeout: .seconds(10)))) -> ConnectInstallKeys {
        ConnectInstallKeys(source: .server(baseURL, client))
    }

    /// Atlassian's own key server (reachable only from networks that are not closed).
    public static let atlassian = server(URL(string: "https://connect-install-keys.atlassian.com")!)

    /// Whether `kid` is safe as a file name and a URL path segment: 1–200 of `A–Z a–z 0–9 . _ -`,
    /// not starting with a dot.
    static func isValidKeyID(_ kid: String) -> Bool {
        guard (1...200).contains(kid.utf8.count), kid.utf8.first != UInt8(ascii: ".") else { return false }
        return kid.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                true
            default:
                false
            }
        }
    }

    /// The PEM text of the public key `kid`.
    ///
    /// - Throws: ``JiraAuthenticationError`` `keyUnavailable` naming the key id and where it was
    ///   looked for.
    func pem(for kid: String) async throws(JiraAuthenticationError) -> String {
        guard Self.isValidKeyID(kid) else {
            throw JiraAuthenticationError(.keyUnavailable, "key id \"\(kid.prefix(40))\" has characters outside A-Z a-z 0-9 . _ - or starts with a dot")
        }
        switch source {
        case .directory(let path):
            let candidates = ["\(path)/\(kid).pem", "\(path)/\(kid)"]
            let text = try? await BlockingWork.run { candidates.lazy.compactMap { try? String(contentsOfFile: $0, encoding: .utf8) }.first }
            guard let text else {
                throw JiraAuthenticationError(.keyUnavailable, "no public key file \(kid).pem or \(kid) in \(path)")
            }
            return text
        case .server(let base, let client):
            let url = base.appendingPathComponent(kid)
            let response: HTTPResponse
            do {
                response = try await client.execute(HTTPRequest(url: url))
            } catch {
                throw JiraAuthenticationError(.keyUnavailable, "fetching public key \(kid) from \(base.absoluteString) failed: \(error)")
            }
            guard response.isSuccess else {
                throw JiraAuthenticationError(.keyUnavailable, "public key \(kid) from \(base.absoluteString): HTTP \(response.status)")
            }
            return String(decoding: response.body, as: UTF8.self)
        }
    }
}

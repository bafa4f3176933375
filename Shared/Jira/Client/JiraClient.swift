import Curl
import Logging

/// A client of one tenant's Jira Cloud site, REST API v3 (the calls Mailbridge needs).
///
/// Every call is signed for ``JiraSite/authentication`` (a fresh Connect JWT per request, or basic
/// authentication with an API token), runs under the shared ``JiraRequestLimiter``'s per-site
/// bound, and is retried as ``JiraClient/Configuration`` says: 429 and 503 after `Retry-After`,
/// other 5xx and broken connections with jittered back-off when the call is idempotent. Calls
/// that create something (issues, comments, attachments) are not repeated after a 5xx or a
/// broken connection, since Jira may have acted on them: the caller reconciles (see
/// ``searchIssues(jql:fields:properties:maxResults:nextPageToken:)``).
///
/// Failures are ``JiraError``s. A client is a small value: copy it freely.
public struct JiraClient: Sendable {
    public let site: JiraSite
    public let configuration: Configuration
    let client: HTTPClient
    let limiter: JiraRequestLimiter
    let logger: Logger

    /// A client for `site`; nothing is sent until the first call.
    ///
    /// - Parameter limiter: Shared by all clients of the process, so the bound holds per site.
    public init(
        site: JiraSite,
        configuration: Configuration = Configuration(),
        limiter: JiraRequestLimiter,
        engine: CurlEngine = .shared,
        logger: Logger = Logger(label: "mailbridge.jira")
    ) {
        self.site = site
        self.configuration = configuration
        self.client = HTTPClient(configuration: configuration.http, engine: engine)
        self.limiter = limiter
        var logger = logger
        logger[metadataKey: "jira.site"] = "\(site.baseURL)"
        self.logger = logger
    }
}

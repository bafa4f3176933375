import Foundation
import Jira
import Messaging

/// What the webhook receipt service needs to know besides its connections.
public struct WebhookReceiptConfiguration: Sendable {
    /// Topic names, each with the deployment's prefix.
    public struct Topics: Sendable {
        /// The sealing purposes of the bodies on these topics: their unprefixed names.
        public static let eventsPurpose = "jira.events"
        public static let lifecyclePurpose = "tenant.lifecycle"
        public static let feedbackPurpose = "app.feedback"

        public var events: String
        public var lifecycle: String
        public var feedback: String

        /// The DESIGN §2 names behind `prefix` (e.g. `staging.`).
        public init(prefix: String = "") {
            events = prefix + Self.eventsPurpose
            lifecycle = prefix + Self.lifecyclePurpose
            feedback = prefix + Self.feedbackPurpose
        }
    }

    /// Our app key, as in the descriptor; lifecycle payloads for another key are refused.
    public var appKey: String
    /// Where Jira reaches us (the descriptor's `baseUrl`); install tokens' `aud` must name it.
    public var appBaseURL: String
    /// Where the public keys of signed install callbacks come from.
    public var installKeys: ConnectInstallKeys
    public var topics: Topics
    /// Bodies larger than this are refused with 413 without being read to the end.
    public var maximumBodyBytes: Int = 1 << 20
    /// How long a request waits for the broker's acknowledgement before answering 503.
    public var produceDeadline: Duration = .seconds(10)
    /// Requests being handled at once beyond which new ones get 503 (Jira retries them).
    public var maximumInFlight: Int = 512
    /// Tolerance for JWT times.
    public var clockSkew: Int64 = 30

    public init(appKey: String, appBaseURL: String, installKeys: ConnectInstallKeys, topics: Topics = Topics()) {
        self.appKey = appKey
        self.appBaseURL = appBaseURL
        self.installKeys = installKeys
        self.topics = topics
    }

    /// The path of `appBaseURL` (empty for a root URL): request targets are relative to it for `qsh`.
    var basePath: String {
        var path = URL(string: appBaseURL)?.path ?? ""
        while path.hasSuffix("/") { path.removeLast() }
        return path
    }
}

/// The credentials an AWS Signature Version 4 signature is made with.
public struct SigV4Credentials: Sendable, Hashable {
    public var accessKeyID: String
    public var secretAccessKey: String
    /// The session token of temporary (STS) credentials, sent and signed as `x-amz-security-token`.
    public var sessionToken: String?

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }
}

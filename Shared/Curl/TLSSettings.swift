/// How a client checks the server's TLS certificate.
///
/// Verification is on unless ``insecureSkipVerification`` is set: the certificate must chain to
/// a trusted CA (the system's, or ``caFile``) and name the host in the URL.
public struct TLSSettings: Sendable, Hashable {
    /// A PEM file of CA certificates to trust instead of the system's (`CURLOPT_CAINFO`).
    public var caFile: String?

    /// Accept any certificate for any host (`CURLOPT_SSL_VERIFYPEER` and `CURLOPT_SSL_VERIFYHOST`
    /// off).
    /// - Important: For tests against throwaway servers only; never in production.
    public var insecureSkipVerification: Bool

    /// Verification against the system's CAs, or those in `caFile`.
    public init(caFile: String? = nil) {
        self.caFile = caFile
        self.insecureSkipVerification = false
    }

    /// No verification at all.
    /// - Important: For tests against throwaway servers only; never in production.
    public static var insecureForTestsOnly: TLSSettings {
        var settings = TLSSettings()
        settings.insecureSkipVerification = true
        return settings
    }
}

/// How a mail client protects its connection.
public enum MailSecurity: Sendable, Hashable {
    /// Plain TCP, no TLS. Credentials cross the network in the clear: loopback tests only.
    case none
    /// Plain TCP upgraded with STARTTLS before anything else is said; a server that does not
    /// offer STARTTLS fails the transfer (`CURLOPT_USE_SSL = CURLUSESSL_ALL`).
    case startTLS
    /// TLS from the first byte (`smtps://`, `imaps://`).
    case implicitTLS
}

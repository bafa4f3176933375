extension CurlError {
    /// A libcurl `CURLcode`: its number and its C name (`CURLE_COULDNT_CONNECT`).
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The `CURLcode` number.
        public let rawValue: Int

        /// The code with the given `CURLcode` number.
        public init(rawValue: Int) {
            self.rawValue = rawValue
        }

        /// The C name of the code (`CURLE_OPERATION_TIMEDOUT`), or `CURLE_<number>` for a number
        /// libcurl 7.88 does not define.
        public var name: String {
            Self.names.indices.contains(rawValue) ? Self.names[rawValue] : "CURLE_\(rawValue)"
        }

        public var description: String { "\(name) (\(rawValue))" }

        /// Whether the failure is of a kind that can pass by itself: the server could not be reached,
        /// the connection broke, or the transfer ran out of time.
        public var isTransient: Bool {
            Self.transient.contains(self)
        }

        public static let unsupportedProtocol = Code(rawValue: 1)
        public static let failedInit = Code(rawValue: 2)
        public static let urlMalformat = Code(rawValue: 3)
        public static let couldntResolveHost = Code(rawValue: 6)
        public static let couldntConnect = Code(rawValue: 7)
        public static let weirdServerReply = Code(rawValue: 8)
        public static let remoteAccessDenied = Code(rawValue: 9)
        public static let http2 = Code(rawValue: 16)
        public static let partialFile = Code(rawValue: 18)
        public static let quoteError = Code(rawValue: 21)
        public static let writeError = Code(rawValue: 23)
        public static let uploadFailed = Code(rawValue: 25)
        public static let readError = Code(rawValue: 26)
        public static let outOfMemory = Code(rawValue: 27)
        public static let operationTimedOut = Code(rawValue: 28)
        public static let sslConnectError = Code(rawValue: 35)
        public static let abortedByCallback = Code(rawValue: 42)
        public static let badFunctionArgument = Code(rawValue: 43)
        public static let tooManyRedirects = Code(rawValue: 47)
        public static let gotNothing = Code(rawValue: 52)
        public static let sendError = Code(rawValue: 55)
        public static let recvError = Code(rawValue: 56)
        public static let peerFailedVerification = Code(rawValue: 60)
        public static let filesizeExceeded = Code(rawValue: 63)
        public static let useSSLFailed = Code(rawValue: 64)
        public static let loginDenied = Code(rawValue: 67)
        public static let sslCACertBadFile = Code(rawValue: 77)
        public static let remoteFileNotFound = Code(rawValue: 78)
        public static let again = Code(rawValue: 81)
        public static let noConnectionAvailable = Code(rawValue: 89)
        public static let http2Stream = Code(rawValue: 92)

        private static let transient: Set<Code> = [
            .couldntResolveHost, .couldntConnect, .http2, .partialFile, .operationTimedOut,
            .sslConnectError, .gotNothing, .sendError, .recvError, .again, .noConnectionAvailable,
            .http2Stream,
        ]

        /// The names of libcurl 7.88's codes, indexed by number.
        private static let names: [String] = [
            "CURLE_OK",
            "CURLE_UNSUPPORTED_PROTOCOL",
            "CURLE_FAILED_INIT",
            "CURLE_URL_MALFORMAT",
            "CURLE_NOT_BUILT_IN",
            "CURLE_COULDNT_RESOLVE_PROXY",
            "CURLE_COULDNT_RESOLVE_HOST",
            "CURLE_COULDNT_CONNECT",
            "CURLE_WEIRD_SERVER_REPLY",
            "CURLE_REMOTE_ACCESS_DENIED",
            "CURLE_FTP_ACCEPT_FAILED",
            "CURLE_FTP_WEIRD_PASS_REPLY",
            "CURLE_FTP_ACCEPT_TIMEOUT",
            "CURLE_FTP_WEIRD_PASV_REPLY",
            "CURLE_FTP_WEIRD_227_FORMAT",
            "CURLE_FTP_CANT_GET_HOST",
            "CURLE_HTTP2",
            "CURLE_FTP_COULDNT_SET_TYPE",
            "CURLE_PARTIAL_FILE",
            "CURLE_FTP_COULDNT_RETR_FILE",
            "CURLE_OBSOLETE20",
            "CURLE_QUOTE_ERROR",
            "CURLE_HTTP_RETURNED_ERROR",
            "CURLE_WRITE_ERROR",
            "CURLE_OBSOLETE24",
            "CURLE_UPLOAD_FAILED",
            "CURLE_READ_ERROR",
            "CURLE_OUT_OF_MEMORY",
            "CURLE_OPERATION_TIMEDOUT",
            "CURLE_OBSOLETE29",
            "CURLE_FTP_PORT_FAILED",
            "CURLE_FTP_COULDNT_USE_REST",
            "CURLE_OBSOLETE32",
            "CURLE_RANGE_ERROR",
            "CURLE_HTTP_POST_ERROR",
            "CURLE_SSL_CONNECT_ERROR",
            "CURLE_BAD_DOWNLOAD_RESUME",
            "CURLE_FILE_COULDNT_READ_FILE",
            "CURLE_LDAP_CANNOT_BIND",
            "CURLE_LDAP_SEARCH_FAILED",
            "CURLE_OBSOLETE40",
            "CURLE_FUNCTION_NOT_FOUND",
            "CURLE_ABORTED_BY_CALLBACK",
            "CURLE_BAD_FUNCTION_ARGUMENT",
            "CURLE_OBSOLETE44",
            "CURLE_INTERFACE_FAILED",
            "CURLE_OBSOLETE46",
            "CURLE_TOO_MANY_REDIRECTS",
            "CURLE_UNKNOWN_OPTION",
            "CURLE_SETOPT_OPTION_SYNTAX",
            "CURLE_OBSOLETE50",
            "CURLE_OBSOLETE51",
            "CURLE_GOT_NOTHING",
            "CURLE_SSL_ENGINE_NOTFOUND",
            "CURLE_SSL_ENGINE_SETFAILED",
            "CURLE_SEND_ERROR",
            "CURLE_RECV_ERROR",
            "CURLE_OBSOLETE57",
            "CURLE_SSL_CERTPROBLEM",
            "CURLE_SSL_CIPHER",
            "CURLE_PEER_FAILED_VERIFICATION",
            "CURLE_BAD_CONTENT_ENCODING",
            "CURLE_OBSOLETE62",
            "CURLE_FILESIZE_EXCEEDED",
            "CURLE_USE_SSL_FAILED",
            "CURLE_SEND_FAIL_REWIND",
            "CURLE_SSL_ENGINE_INITFAILED",
            "CURLE_LOGIN_DENIED",
            "CURLE_TFTP_NOTFOUND",
            "CURLE_TFTP_PERM",
            "CURLE_REMOTE_DISK_FULL",
            "CURLE_TFTP_ILLEGAL",
            "CURLE_TFTP_UNKNOWNID",
            "CURLE_REMOTE_FILE_EXISTS",
            "CURLE_TFTP_NOSUCHUSER",
            "CURLE_OBSOLETE75",
            "CURLE_OBSOLETE76",
            "CURLE_SSL_CACERT_BADFILE",
            "CURLE_REMOTE_FILE_NOT_FOUND",
            "CURLE_SSH",
            "CURLE_SSL_SHUTDOWN_FAILED",
            "CURLE_AGAIN",
            "CURLE_SSL_CRL_BADFILE",
            "CURLE_SSL_ISSUER_ERROR",
            "CURLE_FTP_PRET_FAILED",
            "CURLE_RTSP_CSEQ_ERROR",
            "CURLE_RTSP_SESSION_ERROR",
            "CURLE_FTP_BAD_FILE_LIST",
            "CURLE_CHUNK_FAILED",
            "CURLE_NO_CONNECTION_AVAILABLE",
            "CURLE_SSL_PINNEDPUBKEYNOTMATCH",
            "CURLE_SSL_INVALIDCERTSTATUS",
            "CURLE_HTTP2_STREAM",
            "CURLE_RECURSIVE_API_CALL",
            "CURLE_AUTH_ERROR",
            "CURLE_HTTP3",
            "CURLE_QUIC_CONNECT_ERROR",
            "CURLE_PROXY",
            "CURLE_SSL_CLIENTCERT",
            "CURLE_UNRECOVERABLE_POLL",
        ]
    }
}

import Curl
import Foundation

extension S3ObjectStore {
    /// Where the bucket is, how to sign, and the limits of a ``S3ObjectStore``.
    public struct Configuration: Sendable {
        /// How the bucket appears in request URLs.
        public enum Addressing: Sendable, Hashable {
            /// `https://endpoint/bucket/key`: works with any S3-compatible server and any name.
            case path
            /// `https://bucket.endpoint/key`: AWS's preferred form; needs DNS-safe bucket names.
            case virtualHosted
        }

        /// What `x-amz-content-sha256` carries.
        public enum PayloadSigning: Sendable, Hashable {
            /// The SHA-256 of each body, so the signature covers the content.
            case signed
            /// `UNSIGNED-PAYLOAD`: saves hashing; use over TLS only.
            case unsigned
        }

        /// The server's base URL, such as `https://s3.eu-west-1.amazonaws.com` or `http://127.0.0.1:59000`.
        public var endpoint: URL
        public var region: String
        public var bucket: String
        public var credentials: SigV4Credentials
        public var addressing: Addressing
        public var payloadSigning: PayloadSigning
        /// Files larger than this are uploaded in parts.
        public var multipartThreshold: Int64
        /// The size of each part but the last; at least 5 MiB (S3's minimum). Raised
        /// automatically when a file would otherwise need more than 10,000 parts.
        public var partSize: Int
        /// How many times one request is tried in all, when failures are retriable.
        public var maxAttempts: Int
        /// The first back-off; each retry doubles it up to ``maxBackoff``, and a random part
        /// of it (full jitter) is slept.
        public var initialBackoff: Duration
        public var maxBackoff: Duration
        /// The HTTP client's settings (timeouts, TLS, the largest body ``S3ObjectStore/get(key:)`` keeps).
        public var http: HTTPClient.Configuration
        /// The largest object ``S3ObjectStore/get(key:to:)`` downloads.
        public var maxDownloadBytes: Int64

        public init(
            endpoint: URL,
            region: String,
            bucket: String,
            credentials: SigV4Credentials,
            addressing: Addressing = .path,
            payloadSigning: PayloadSigning = .signed,
            multipartThreshold: Int64 = 16 << 20,
            partSize: Int = 8 << 20,
            maxAttempts: Int = 4,
            initialBackoff: Duration = .milliseconds(100),
            maxBackoff: Duration = .seconds(5),
            http: HTTPClient.Configuration = HTTPClient.Configuration(timeout: .seconds(600)),
            maxDownloadBytes: Int64 = 5 << 40
        ) {
            self.endpoint = endpoint
            self.region = region
            self.bucket = bucket
            self.credentials = credentials
            self.addressing = addressing
            self.payloadSigning = payloadSigning
            self.multipartThreshold = multipartThreshold
            self.partSize = partSize
            self.maxAttempts = maxAttempts
            self.initialBackoff = initialBackoff
            self.maxBackoff = maxBackoff
            self.http = http
            self.maxDownloadBytes = maxDownloadBytes
        }

        /// The smallest part S3 accepts (all but the last).
        public static let minimumPartSize = 5 << 20

        func validate() throws(ObjectStorageError) {
            guard let scheme = endpoint.scheme?.lowercased(), scheme == "http" || scheme == "https", endpoint.host != nil else {
                throw .invalidArgument("the S3 endpoint \(endpoint) is not an http or https URL with a host")
            }
            guard !bucket.isEmpty, bucket.utf8.allSatisfy({ SigV4Signer.isUnreserved($0) }) else {
                throw .invalidArgument("the bucket name \"\(bucket)\" is empty or holds characters a bucket name cannot")
            }
            guard partSize >= Self.minimumPartSize else {
                throw .invalidArgument("the part size \(partSize) is below S3's minimum of \(Self.minimumPartSize) bytes")
            }
            guard multipartThreshold >= 1, maxAttempts >= 1 else {
                throw .invalidArgument("multipartThreshold and maxAttempts must be at least 1")
            }
        }
    }
}

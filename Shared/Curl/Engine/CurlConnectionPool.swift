import CCurl

/// A connection cache of its own (a libcurl share handle sharing `CURL_LOCK_DATA_CONNECT`), so
/// that transfers in different pools never reuse each other's connections.
///
/// libcurl 7.88 does not compare TLS settings (nor the SASL mechanism, nor whether TLS was
/// required) before reusing a connection that was upgraded with STARTTLS: without separate pools,
/// a transfer demanding verification could ride a connection made without it.
///
/// Made, used and destroyed on the engine thread only, after every transfer using it.
final class CurlConnectionPool {
    /// The `CURLSH *` handle.
    let handle: UnsafeMutableRawPointer

    /// - Throws: ``CurlTransferFailure`` when libcurl cannot make the share handle.
    init() throws(CurlTransferFailure) {
        guard let handle = curl_share_init() else {
            throw CurlTransferFailure(code: .outOfMemory, message: "curl_share_init failed")
        }
        let code = mb_curl_share_setopt_long(handle, CURLSHOPT_SHARE, Int(CURL_LOCK_DATA_CONNECT.rawValue))
        guard code == CURLSHE_OK else {
            curl_share_cleanup(handle)
            throw CurlTransferFailure(code: .failedInit, message: "cannot share connections: \(String(cString: curl_share_strerror(code)))")
        }
        self.handle = handle
    }

    deinit {
        // Closes the pool's connections.
        curl_share_cleanup(handle)
    }
}

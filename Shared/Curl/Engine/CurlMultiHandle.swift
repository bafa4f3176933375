import CCurl

/// Owns one libcurl multi handle (`CURLM *`) and its connection cache.
///
/// `@unchecked Sendable` because the compiler cannot see this rule, which the engine keeps: only the
/// engine thread drives the handle (adding and removing transfers, perform, poll, reading
/// messages); other threads only call ``wakeup()``, which libcurl documents as safe from any
/// thread. `curl_multi_cleanup` runs in `deinit`, after the engine thread has let go of its
/// reference, so no call can race with it.
final class CurlMultiHandle: @unchecked Sendable {
    /// The `CURLM *` handle; touch it on the engine thread only.
    let raw: UnsafeMutableRawPointer

    /// A new multi handle; traps when libcurl cannot make one (it is then out of memory).
    init() {
        CurlGlobal.ensureInitialized()
        guard let raw = curl_multi_init() else {
            preconditionFailure("curl_multi_init failed")
        }
        self.raw = raw
    }

    /// Makes the engine thread's `curl_multi_poll` return now (or the next time it is called).
    func wakeup() {
        _ = curl_multi_wakeup(raw)
    }

    deinit {
        curl_multi_cleanup(raw)
    }
}

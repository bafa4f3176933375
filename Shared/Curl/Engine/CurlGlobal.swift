import CCurl

/// libcurl's process-wide state.
enum CurlGlobal {
    /// Whether `curl_global_init` succeeded. Swift runs a `static let` initialiser exactly once,
    /// under its own lock, the first time any thread reads it, so libcurl is initialised exactly
    /// once per process and before any handle is made.
    private static let initialized: Bool = curl_global_init(Int(CURL_GLOBAL_ALL)) == CURLE_OK

    /// Initialises libcurl if this process has not yet; traps if libcurl cannot start (it then
    /// cannot do anything at all).
    static func ensureInitialized() {
        precondition(initialized, "curl_global_init failed")
    }
}

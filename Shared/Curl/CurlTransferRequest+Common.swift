import CCurl

extension CurlTransferRequest {
    /// The options every client sets: allowed protocols, TLS verification, timeouts.
    /// - Parameters:
    ///   - protocols: The only schemes this transfer (and any redirect) may use, such as `"http,https"`.
    ///   - timeout: The whole transfer's limit (`CURLOPT_TIMEOUT_MS`); `nil` for none.
    ///   - connectTimeout: The limit on connecting, TLS included (`CURLOPT_CONNECTTIMEOUT_MS`).
    static func commonOptions(
        protocols: String,
        tls: TLSSettings,
        timeout: Duration?,
        connectTimeout: Duration?
    ) -> [Option] {
        var options: [Option] = [
            .string(CURLOPT_PROTOCOLS_STR, protocols),
            .string(CURLOPT_REDIR_PROTOCOLS_STR, protocols),
        ]
        if tls.insecureSkipVerification {
            options.append(.long(CURLOPT_SSL_VERIFYPEER, 0))
            options.append(.long(CURLOPT_SSL_VERIFYHOST, 0))
        } else {
            options.append(.long(CURLOPT_SSL_VERIFYPEER, 1))
            options.append(.long(CURLOPT_SSL_VERIFYHOST, 2))
        }
        if let caFile = tls.caFile {
            options.append(.string(CURLOPT_CAINFO, caFile))
        }
        if let timeout {
            options.append(.long(CURLOPT_TIMEOUT_MS, timeout.curlMilliseconds))
        }
        if let connectTimeout {
            options.append(.long(CURLOPT_CONNECTTIMEOUT_MS, connectTimeout.curlMilliseconds))
        }
        return options
    }
}

extension Duration {
    /// Whole milliseconds, at least 1 for any positive duration (libcurl reads 0 as "no limit").
    var curlMilliseconds: Int {
        let (seconds, attoseconds) = components
        let milliseconds = seconds.multipliedReportingOverflow(by: 1000)
        guard !milliseconds.overflow else { return Int.max }
        let total = Int(clamping: milliseconds.partialValue) + Int(attoseconds / 1_000_000_000_000_000)
        return self > .zero ? max(total, 1) : 0
    }
}

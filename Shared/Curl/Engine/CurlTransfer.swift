import CCurl

/// One transfer on the engine thread: the libcurl easy handle and everything its callbacks reach.
///
/// Made, driven and destroyed on the engine thread only; the callbacks find it through the
/// userdata pointer (`Unmanaged`, unretained: the engine's table of running transfers keeps it
/// alive for as long as libcurl may call back).
final class CurlTransfer {
    let id: UInt64
    /// The `CURL *` handle.
    let handle: UnsafeMutableRawPointer

    // Set up by `configure(_:)` (CurlTransfer+Options.swift); libcurl points at these until the
    // handle is cleaned up in `deinit`.
    let errorBuffer: UnsafeMutablePointer<CChar>
    var lists: [CurlStringList] = []
    var postFields: UnsafeMutableRawBufferPointer?
    var sink: CurlBodySink?
    var reader: CurlUploadReader?
    var collectsHeaders = false
    private var headerLines: [[UInt8]] = []
    private var lastServerReply: [UInt8]?
    private var lastRefusal: [UInt8]?
    private var sawGoodbye = false
    /// Why a callback stopped the transfer, which explains libcurl's resulting error code.
    private var callbackFailure: CurlTransferFailure?
    private var continuation: CheckedContinuation<CurlTransferOutcome, Never>?

    /// A transfer for `request`, reporting to `continuation` exactly once (see ``finish(_:)``).
    /// - Throws: ``CurlTransferFailure`` when the handle cannot be made or an option is refused;
    ///   `continuation` is then untouched and the caller resumes it with the failure.
    init(
        id: UInt64,
        request: CurlTransferRequest,
        pool: CurlConnectionPool?,
        continuation: CheckedContinuation<CurlTransferOutcome, Never>
    ) throws(CurlTransferFailure) {
        guard let handle = curl_easy_init() else {
            throw CurlTransferFailure(code: .outOfMemory, message: "curl_easy_init failed")
        }
        self.id = id
        self.handle = handle
        self.errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        self.errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        self.continuation = continuation
        do {
            try configure(request)
            if let pool {
                try check(mb_curl_setopt_pointer(handle, CURLOPT_SHARE, pool.handle), CURLOPT_SHARE)
            }
        } catch {
            self.continuation = nil
            throw error
        }
    }

    deinit {
        // libcurl may still call the debug callback while it cleans up; it must not reach us now.
        _ = mb_curl_setopt_long(handle, CURLOPT_VERBOSE, 0)
        curl_easy_cleanup(handle)
        // Only now is nothing pointing at the lists, the error buffer and the body bytes.
        lists.removeAll()
        errorBuffer.deallocate()
        postFields?.deallocate()
        sink?.discard()
        reader?.close()
        if let continuation {
            continuation.resume(returning: .failed(CurlTransferFailure(code: .abortedByCallback, message: "transfer dropped")))
        }
    }

    /// Reports `outcome` to the waiting task, once; later calls do nothing.
    func finish(_ outcome: CurlTransferOutcome) {
        guard let continuation else { return }
        self.continuation = nil
        switch outcome {
        case .completed:
            break
        case .failed, .cancelled, .engineShutDown:
            sink?.discard()
        }
        reader?.close()
        continuation.resume(returning: outcome)
    }

    /// Reports libcurl's verdict `code` for this transfer (from `CURLMSG_DONE`).
    func complete(code: CURLcode) {
        var responseCode = 0
        _ = mb_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &responseCode)
        let reply = (lastRefusal ?? lastServerReply).map { String(decoding: $0, as: UTF8.self) }
        if code == CURLE_OK, callbackFailure == nil {
            do {
                let body = try sink?.finish() ?? []
                finish(.completed(CurlTransferResult(
                    responseCode: responseCode,
                    headerLines: headerLines,
                    body: body,
                    bodyByteCount: sink?.byteCount ?? 0,
                    serverReply: lastServerReply.map { String(decoding: $0, as: UTF8.self) }
                )))
            } catch {
                finish(.failed(error))
            }
            return
        }
        var failure = callbackFailure ?? CurlTransferFailure(code: CurlError.Code(rawValue: Int(code.rawValue)), message: errorText(code))
        failure.responseCode = responseCode > 0 ? responseCode : nil
        failure.serverReply = reply
        finish(.failed(failure))
    }

    /// The error buffer's text, or libcurl's description of `code` when the buffer is empty.
    private func errorText(_ code: CURLcode) -> String {
        if errorBuffer.pointee != 0 {
            return String(cString: errorBuffer)
        }
        return String(cString: curl_easy_strerror(code))
    }

    // MARK: Callbacks (engine thread, inside curl_multi_perform)

    /// Takes response body bytes; returns how many were taken (fewer stops the transfer).
    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard var sink else { return 0 }
        self.sink = nil  // keeps the sink's buffer uniquely referenced while it grows
        let failure = sink.write(bytes)
        self.sink = sink
        if let failure {
            callbackFailure = failure
            return 0
        }
        return bytes.count
    }

    /// Takes one response header line (with its line ending); a status line starts a new response.
    func receiveHeader(_ bytes: UnsafeRawBufferPointer) -> Int {
        if collectsHeaders {
            if bytes.starts(with: "HTTP/".utf8) {
                headerLines.removeAll(keepingCapacity: true)
            }
            headerLines.append(Array(bytes))
        }
        return bytes.count
    }

    /// Fills `buffer` with request bytes; returns the count, 0 at the end, or `CURL_READFUNC_ABORT`.
    func provideUpload(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard var reader else { return 0 }
        let result = reader.read(into: buffer)
        self.reader = reader
        switch result {
        case .success(let count):
            return count
        case .failure(let failure):
            callbackFailure = failure
            return Int(CURL_READFUNC_ABORT)
        }
    }

    /// Keeps the last protocol line the server sent (`CURLINFO_HEADER_IN`), and the last refusal
    /// apart: after a failure libcurl often logs out, and the refusal is what explains the failure.
    func receiveServerLine(_ bytes: UnsafeRawBufferPointer) {
        var line = Array(bytes.prefix(512))
        while let last = line.last, last == UInt8(ascii: "\r") || last == UInt8(ascii: "\n") {
            line.removeLast()
        }
        guard !line.isEmpty, !sawGoodbye else { return }
        if line.starts(with: "* BYE".utf8) || line.starts(with: "221".utf8) {
            // The server is closing (LOGOUT, QUIT): what follows says nothing about the transfer.
            sawGoodbye = true
            return
        }
        lastServerReply = line
        if Self.isRefusal(line) {
            lastRefusal = line
        }
    }

    /// An SMTP `4xx`/`5xx` reply, or an IMAP tagged `NO`/`BAD`.
    private static func isRefusal(_ line: [UInt8]) -> Bool {
        if line.count >= 3, line[0] == UInt8(ascii: "4") || line[0] == UInt8(ascii: "5"),
            line[1...2].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) {
            return true
        }
        let words = line.split(separator: UInt8(ascii: " "), maxSplits: 2)
        guard words.count >= 2, words[0] != [UInt8(ascii: "*")] else { return false }
        return words[1].elementsEqual("NO".utf8) || words[1].elementsEqual("BAD".utf8)
    }
}

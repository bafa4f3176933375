import Foundation
import Logging

/// Runs transfers for ``HTTPClient``, ``SMTPClient`` and ``IMAPClient`` without ever blocking
/// Swift's cooperative thread pool.
///
/// An engine owns one libcurl multi handle, driven by one dedicated thread that waits in
/// `curl_multi_poll`. Tasks hand it transfers through a locked queue and suspend until the
/// transfer ends; many transfers run at once on that one thread, and finished connections stay
/// in the multi handle's cache for the next transfer to the same server.
///
/// One engine per process is enough (``shared``); make more to isolate traffic, and
/// ``shutdown()`` those when done.
public final class CurlEngine: Sendable {
    /// The process-wide engine. It is never shut down.
    public static let shared = CurlEngine(label: "mailbridge.curl.shared")

    private let inbox: CurlEngineInbox

    /// Starts an engine and its thread.
    /// - Parameters:
    ///   - label: The thread's name and the logger's label.
    ///   - logger: Where the engine reports failures of libcurl itself (not of transfers).
    public init(label: String = "mailbridge.curl", logger: Logger? = nil) {
        let multi = CurlMultiHandle()
        let inbox = CurlEngineInbox(multi: multi)
        let logger = logger ?? Logger(label: label)
        self.inbox = inbox
        let thread = Thread {
            CurlEngineLoop(multi: multi, inbox: inbox, logger: logger).run()
        }
        thread.name = label
        thread.start()
    }

    deinit {
        inbox.requestShutdown()
    }

    /// Stops the engine: every transfer still running fails with a ``CurlError`` saying so, later
    /// transfers fail at once, and the connection cache is closed. Returns when the engine thread
    /// has finished. Calling it again does nothing.
    public func shutdown() async {
        await inbox.shutdown()
    }

    /// Runs `request` to its end.
    ///
    /// - Returns: The transfer's result, whatever the protocol's reply code.
    /// - Throws: `CancellationError` when the calling task is cancelled (the transfer is removed
    ///   from the engine promptly); ``CurlError`` when the transfer fails, raised at `file`/`line`.
    func perform(_ request: CurlTransferRequest, file: String = #fileID, line: UInt = #line) async throws -> CurlTransferResult {
        let inbox = self.inbox
        let id = inbox.makeID()
        let outcome = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<CurlTransferOutcome, Never>) in
                inbox.start(id: id, request: request, continuation: continuation)
            }
        } onCancel: {
            inbox.cancel(id: id)
        }
        switch outcome {
        case .completed(let result):
            return result
        case .cancelled:
            throw CancellationError()
        case .engineShutDown:
            throw CurlError(code: .abortedByCallback, message: "the curl engine has shut down", isRetriable: false, file: file, line: line)
        case .failed(let failure):
            throw CurlError(
                code: failure.code,
                responseCode: failure.responseCode,
                message: failure.message,
                serverReply: failure.serverReply,
                isRetriable: Self.isRetriable(failure, family: request.family),
                file: file,
                line: line
            )
        }
    }

    /// Transient transport failures are retriable; so are SMTP 4xx replies (RFC 5321 "transient
    /// negative completion"), except for authentication failures.
    private static func isRetriable(_ failure: CurlTransferFailure, family: CurlTransferRequest.Family) -> Bool {
        if failure.code == .loginDenied || failure.code == .peerFailedVerification || failure.code == .filesizeExceeded {
            return false
        }
        if family == .smtp, let reply = failure.responseCode, (400..<500).contains(reply) {
            return true
        }
        return failure.code.isTransient
    }
}

import CCurl
import Logging

/// The body of the engine thread: drives the multi handle until the engine shuts down.
///
/// Lives on that one thread; nothing here is shared.
final class CurlEngineLoop {
    private let multi: CurlMultiHandle
    private let inbox: CurlEngineInbox
    private let logger: Logger
    private var transfers: [UInt64: CurlTransfer] = [:]
    /// Made on first use, kept until the thread ends (there are as many as distinct settings).
    private var pools: [String: CurlConnectionPool] = [:]

    /// How long one `curl_multi_poll` may sleep when nothing happens; libcurl wakes earlier for its
    /// own timeouts and `curl_multi_wakeup` wakes it for new work.
    private static let idlePollMilliseconds: Int32 = 1000

    init(multi: CurlMultiHandle, inbox: CurlEngineInbox, logger: Logger) {
        self.multi = multi
        self.inbox = inbox
        self.logger = logger
    }

    /// Runs until shutdown; on return every transfer has been reported and removed.
    func run() {
        logger.debug("curl engine thread started")
        while true {
            let (commands, shouldStop) = inbox.takeCommands()
            for command in commands {
                handle(command)
            }
            if shouldStop {
                break
            }
            var running: Int32 = 0
            let performed = curl_multi_perform(multi.raw, &running)
            if performed != CURLM_OK {
                logger.error("curl_multi_perform failed", metadata: ["code": "\(performed.rawValue)"])
            }
            collectFinishedTransfers()
            let polled = curl_multi_poll(multi.raw, nil, 0, Self.idlePollMilliseconds, nil)
            if polled != CURLM_OK {
                logger.error("curl_multi_poll failed", metadata: ["code": "\(polled.rawValue)"])
            }
        }
        for (id, _) in transfers {
            stop(id: id, reporting: .engineShutDown)
        }
        // Every easy handle is gone: the pools can close their connections.
        pools.removeAll()
        for command in inbox.markStopped() {
            if case .start(_, _, let continuation) = command {
                continuation.resume(returning: .engineShutDown)
            }
        }
        logger.debug("curl engine thread stopped")
    }

    private func handle(_ command: CurlEngineInbox.Command) {
        switch command {
        case .start(let id, let request, let continuation):
            let transfer: CurlTransfer
            do {
                transfer = try CurlTransfer(id: id, request: request, pool: try pool(request.connectionPool), continuation: continuation)
            } catch {
                continuation.resume(returning: .failed(error))
                return
            }
            let added = curl_multi_add_handle(multi.raw, transfer.handle)
            guard added == CURLM_OK else {
                transfer.finish(.failed(CurlTransferFailure(
                    code: .failedInit,
                    message: "curl_multi_add_handle failed: \(String(cString: curl_multi_strerror(added)))"
                )))
                return
            }
            transfers[id] = transfer
        case .cancel(let id):
            stop(id: id, reporting: .cancelled)
        }
    }

    /// The pool named `name`, made on first use; `nil` for no name.
    private func pool(_ name: String?) throws(CurlTransferFailure) -> CurlConnectionPool? {
        guard let name else { return nil }
        if let pool = pools[name] {
            return pool
        }
        let pool = try CurlConnectionPool()
        pools[name] = pool
        return pool
    }

    /// Removes a running transfer and reports `outcome`; does nothing for an unknown id.
    private func stop(id: UInt64, reporting outcome: CurlTransferOutcome) {
        guard let transfer = transfers.removeValue(forKey: id) else { return }
        curl_multi_remove_handle(multi.raw, transfer.handle)
        transfer.finish(outcome)
    }

    /// Reports every transfer libcurl has finished since the last call.
    private func collectFinishedTransfers() {
        // Read every message first: a message does not survive curl_multi_remove_handle.
        var finished: [(handle: UnsafeMutableRawPointer, code: CURLcode)] = []
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi.raw, &remaining) {
            if message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle {
                finished.append((handle, message.pointee.data.result))
            }
        }
        for (handle, code) in finished {
            var userdata: UnsafeMutableRawPointer?
            _ = mb_curl_getinfo_pointer(handle, CURLINFO_PRIVATE, &userdata)
            guard let userdata else { continue }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
            curl_multi_remove_handle(multi.raw, handle)
            transfers.removeValue(forKey: transfer.id)
            transfer.complete(code: code)
        }
    }
}

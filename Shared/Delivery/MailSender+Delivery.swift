import Curl
import Foundation
import Messaging
import Metrics
import ObjectStorage

extension MailSender {
    /// A recipient that did not receive the mail.
    struct Failure: Sendable {
        /// Its blind-index token.
        let recipient: String
        let error: String
        let reply: SMTPReply?
    }

    /// Delivers `request` to each recipient not yet served. Safe to run again for the same
    /// request: the ledger skips settled recipients.
    /// - Returns: the recipients refused by the server or whose retries ran out.
    /// - Throws: ``Permanent`` when the tenant has no usable SMTP settings; other errors when
    ///   the database, the object store or the broker failed (the caller retries).
    func deliver(_ request: OutboundMailRequest) async throws -> [Failure] {
        let tenant = request.tenant
        var seen = Set<String>()
        let recipients = request.recipients.map { (address: $0, token: index.token(for: $0, tenant: tenant)) }
            .filter { seen.insert($0.token).inserted }
        let statuses = try await ledger.statuses(tenant: tenant, requestID: request.requestID, recipients: recipients.map(\.token))
        let pending = recipients.filter { statuses[$0.token].map { !$0.isSettled || $0 == .sending } ?? true }
        guard !pending.isEmpty else { return [] }

        // Sandbox: the tenant's non-allowlisted recipients are audited as suppressed, never sent.
        let permitted = try await sandbox.permitted(tenant: tenant, recipients: Set(pending.map(\.token)))
        // A recipient left `sending` is never suppressed: its claim below decides (a live process's
        // send is left alone; a dead one's is sent again).
        let suppressed = pending.filter { !permitted.contains($0.token) && statuses[$0.token] != .sending }
        if !suppressed.isEmpty {
            for recipient in suppressed {
                try await ledger.record(.suppressed, tenant: tenant, requestID: request.requestID, recipient: recipient.token, reply: nil)
            }
            try await history.append(request, recipients: suppressed.map(\.address), status: .suppressed, reply: nil)
            Counter(label: "mailbridge_sender_recipients_total", dimensions: [("outcome", "suppressed")]).increment(by: suppressed.count)
        }
        let toSend = pending.filter { permitted.contains($0.token) || statuses[$0.token] == .sending }
        guard !toSend.isEmpty else { return [] }

        // Plan capacity, for the recipients that will really be tried (not those left `sending`).
        // Usage alerts are never held back by the plan they warn about, nor counted.
        let fresh = toSend.filter { statuses[$0.token] != .sending }
        if let capacity, request.kind != .usageAlert, !fresh.isEmpty {
            let decision = try await capacity.reserve(tenant: tenant, messages: fresh.count, bytes: fresh.count * request.byteCount)
            if case .exhausted(let reason) = decision {
                try await capacity.park(request, recipients: fresh.map(\.address), reason: reason)
                try await history.append(request, recipients: fresh.map(\.address), status: .parked, reply: SMTPReply(code: nil, text: reason))
                Counter(label: "mailbridge_sender_recipients_total", dimensions: [("outcome", "parked")]).increment(by: fresh.count)
                logger.notice("capacity exhausted; request parked", metadata: ["tenant": "\(tenant)", "request": "\(request.requestID)"])
                return []
            }
        }

        guard let connection = try await connections.connection(tenant: tenant) else {
            throw Permanent(description: "tenant \(tenant) has no SMTP connection (mailbridge smtp set)")
        }
        // Loaded before any claim: a missing or unreadable object must not leave rows in `sending`.
        let message = try await loadMessage(request)
        var failures = [Failure]()
        for recipient in toSend {
            let claim = try await ledger.claim(tenant: tenant, requestID: request.requestID, recipient: recipient.token, instance: instanceID)
            switch claim {
            case .settled, .inFlight:
                continue
            case .claimed, .reclaimed:
                if claim == .reclaimed {
                    // The crash point: the process that claimed it died before recording the outcome.
                    Counter(label: "mailbridge_sender_recipients_total", dimensions: [("outcome", "resent-after-crash")]).increment()
                    logger.warning(
                        "sending again: the process that claimed this recipient is gone",
                        metadata: ["tenant": "\(tenant)", "request": "\(request.requestID)", "recipient": "\(hasher.token(recipient.address))"])
                }
                let outcome = await send(message, request: request, to: recipient, connection: connection)
                switch outcome {
                case .success(let code):
                    let reply = SMTPReply(code: code, text: "\(code) accepted")
                    try await ledger.record(.sent, tenant: tenant, requestID: request.requestID, recipient: recipient.token, reply: reply)
                    try await history.append(request, recipients: [recipient.address], status: .sent, reply: reply)
                    try await announce(request, recipient: recipient, replyCode: code)
                    Counter(label: "mailbridge_sender_recipients_total", dimensions: [("outcome", "sent")]).increment()
                case .failure(let failure):
                    try await ledger.record(
                        .failed, tenant: tenant, requestID: request.requestID, recipient: recipient.token, reply: failure.reply)
                    try await history.append(request, recipients: [recipient.address], status: .failed, reply: failure.reply)
                    Counter(label: "mailbridge_sender_recipients_total", dimensions: [("outcome", "failed")]).increment()
                    failures.append(Failure(recipient: recipient.token, error: failure.error, reply: failure.reply))
                }
            }
        }
        return failures
    }

    /// The stored mail, opened.
    func loadMessage(_ request: OutboundMailRequest) async throws -> [UInt8] {
        let sealed: [UInt8]
        do {
            sealed = try await store.get(key: request.objectKey)
        } catch let error as ObjectStorageError where error.code == "NoSuchKey" {
            throw Permanent(description: "the mail object \(request.objectKey) of request \(request.requestID) does not exist (purged or never stored)")
        }
        do {
            return try await cipher.open(sealed, tenant: request.tenant, purpose: OutboundMailRequest.objectPurpose)
        } catch {
            throw Permanent(description: "the mail object \(request.objectKey) of request \(request.requestID) does not open: \(error)")
        }
    }

    /// Hands the `mail.sent` event of one delivered recipient to the announcer (produced off the
    /// lane); the id (`<requestID>:<recipient token>`) makes a duplicate harmless.
    func announce(_ request: OutboundMailRequest, recipient: (address: String, token: String), replyCode: Int) async throws {
        let event = MailSentEvent(
            tenant: request.tenant, requestID: request.requestID, messageID: request.messageID, recipient: recipient.address,
            issueKey: request.issueKey, objectKey: request.objectKey, replyCode: replyCode,
            sentAt: Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)))
        try await announcer.announce(event, id: "\(request.requestID):\(recipient.token)")
    }
}

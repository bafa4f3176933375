import Encryption
import Foundation
import Logging
import Mail
import Messaging
import Metrics
import ObjectStorage
import Postgres

/// Mails usage alerts: builds the mail with `MailBuilder`, stores it sealed under
/// `sent/<tenant>/<yyyy>/<mm>/<dd>/<request id>.eml`, publishes an `OutboundMailRequest` of kind
/// `.usageAlert` to the tenant's billing contacts and system-notification addresses, and then
/// marks the alert published. The recipients are in the envelope only (`To:
/// undisclosed-recipients:;`): no contact sees the others' addresses.
///
/// An alert whose publication failed stays unpublished and ``retryUnpublished(olderThan:tenant:)`` sends
/// it again; its request id is stable, so the sender mails each recipient once.
public struct UsageAlertMailer: Sendable {
    /// Who alert mails come from.
    public struct Settings: Sendable {
        /// `From` and `MAIL FROM`.
        public var from: MailAddress
        /// Message-ID domain and `X-Mailbridge-Origin`.
        public var builder: MailBuilder

        public init(from: MailAddress, builder: MailBuilder) {
            self.from = from
            self.builder = builder
        }
    }

    private let pool: PostgresPool
    private let cipher: TenantCipher
    private let store: any ObjectStore
    private let contacts: CapacityContacts
    private let publish: OutboundPublish
    private let settings: Settings
    private let logger: Logger

    public init(
        pool: PostgresPool, cipher: TenantCipher, store: any ObjectStore, contacts: CapacityContacts, publish: @escaping OutboundPublish,
        settings: Settings, logger: Logger
    ) {
        self.pool = pool
        self.cipher = cipher
        self.store = store
        self.contacts = contacts
        self.publish = publish
        self.settings = settings
        self.logger = logger
    }

    /// Mails the highest of `alerts` per metric (reached in `month`) and marks every one of them
    /// published. With no contacts, logs a warning (no address) and marks them published too:
    /// there is nobody to tell.
    /// - Returns: the requests published.
    @discardableResult
    public func send(_ alerts: [UsageAlert], tenant: String, month: String, now: Date = Date()) async throws -> [OutboundMailRequest] {
        let recipients = try await contacts.alertRecipients(tenant: tenant)
        var published = [OutboundMailRequest]()
        for alert in UsageAlert.highestPerMetric(alerts) {
            if recipients.isEmpty {
                logger.warning(
                    "usage alert not mailed: the tenant has no billing contact or system-notification address",
                    metadata: ["tenant": "\(tenant)", "month": "\(month)", "metric": "\(alert.metric.rawValue)", "threshold": "\(alert.threshold)"])
            } else {
                let request = try await store(alert, recipients: recipients, tenant: tenant, month: month, now: now)
                try await publish(request)
                Counter(label: "mailbridge_usage_alerts_total", dimensions: [("metric", alert.metric.rawValue)]).increment()
                published.append(request)
            }
            try await pool.query(
                """
                UPDATE usage_alerts_sent SET published_at = now()
                WHERE tenant_id = \(tenant) AND month = \(month) AND metric = \(alert.metric.rawValue)
                  AND threshold <= \(alert.threshold) AND published_at IS NULL
                """)
        }
        return published
    }

    /// Sends the alerts recorded more than `olderThan` ago that were never published (their
    /// reserver failed or died between recording and publishing), of every tenant or only `tenant`.
    /// - Returns: how many alert mails were published.
    /// - Throws: `DeliveryError` naming the tenants whose alerts failed again, after trying all.
    @discardableResult
    public func retryUnpublished(olderThan: Duration = .seconds(60), tenant: String? = nil) async throws -> Int {
        let seconds = Double(olderThan.components.seconds) + Double(olderThan.components.attoseconds) / 1e18
        let rows = try await pool.query(
            """
            SELECT tenant_id, month, metric, threshold, used, allowed FROM usage_alerts_sent
            WHERE published_at IS NULL AND created_at < now() - make_interval(secs => \(seconds))
              AND (\(tenant)::text IS NULL OR tenant_id = \(tenant))
            ORDER BY tenant_id, month LIMIT 1000
            """)
        var groups: [String: (tenant: String, month: String, alerts: [UsageAlert])] = [:]
        for row in rows {
            let tenant = try row.decode(0, as: String.self)
            let month = try row.decode(1, as: String.self)
            let metricText = try row.decode(2, as: String.self)
            guard let metric = UsageAlert.Metric(rawValue: metricText) else {
                throw DeliveryError("usage_alerts_sent: unknown metric \(metricText)")
            }
            let alert = UsageAlert(
                metric: metric, threshold: try row.decode(3, as: Int.self), used: try row.decode(4, as: Int.self),
                allowed: try row.decode(5, as: Int.self))
            groups[tenant + "\u{0}" + month, default: (tenant, month, [])].alerts.append(alert)
        }
        var count = 0
        var failures = [String]()
        for group in groups.values.sorted(by: { ($0.tenant, $0.month) < ($1.tenant, $1.month) }) {
            do {
                count += try await send(group.alerts, tenant: group.tenant, month: group.month).count
            } catch {
                failures.append("\(group.tenant) \(group.month): \(error)")
            }
        }
        guard failures.isEmpty else {
            throw DeliveryError("usage alerts not published (retried later): " + failures.joined(separator: "; "))
        }
        return count
    }

    /// Builds and stores the alert mail; returns the request that names it.
    private func store(_ alert: UsageAlert, recipients: [String], tenant: String, month: String, now: Date) async throws -> OutboundMailRequest {
        let mail = OutboundMail(
            from: settings.from, to: [], subject: UsageAlertText.subject(alert),
            textBody: UsageAlertText.text(alert, month: month), htmlBody: UsageAlertText.html(alert, month: month),
            extraHeaders: [OutboundHeader(name: "X-Mailbridge-Kind", value: OutboundMailRequest.Kind.usageAlert.rawValue)])
        let built: BuiltMail
        do {
            built = try settings.builder.build(mail, date: now)
        } catch {
            throw DeliveryError("usage alert for tenant \(tenant): the mail could not be built: \(error)")
        }
        let requestID = alert.requestID(month: month)
        let key = "sent/\(tenant)/\(UsageMonth.dayPath(now))/\(requestID).eml"
        let sealed = try await cipher.seal(built.bytes, tenant: tenant, purpose: OutboundMailRequest.objectPurpose)
        try await store.put(key: key, bytes: sealed)
        return OutboundMailRequest(
            tenant: tenant, requestID: requestID, kind: .usageAlert, objectKey: key, messageID: built.messageID,
            envelopeFrom: settings.from.address, recipients: recipients, subject: mail.subject, byteCount: built.bytes.count)
    }
}

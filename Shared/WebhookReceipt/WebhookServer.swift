import Hummingbird
import Logging
import ServiceLifecycle
import Tenancy

/// The HTTP face of the service (Hummingbird): the descriptor, the lifecycle callbacks and the
/// Jira webhook endpoint, at the paths `ConnectDescriptor.Path` names, and the feedback endpoint
/// at `feedbackPath`. Unknown routes are 404.
///
/// Bodies beyond `maximumBodyBytes` are refused with 413: at once when `Content-Length` says so,
/// else as soon as the bytes read pass the limit (the rest is never buffered). Calls beyond
/// `maximumInFlight` are answered 503. Error answers carry no body detail.
public struct WebhookServer: Service {
    private let application: Application<RouterResponder<BasicRequestContext>>

    /// - Parameters:
    ///   - port: 0 picks a free one, reported to `onServerRunning`.
    public init(
        host: String, port: Int, configuration: WebhookReceiptConfiguration, descriptor: [UInt8],
        webhooks: JiraWebhookReceiver, lifecycle: LifecycleReceiver, feedback: FeedbackReceiver, logger: Logger,
        onServerRunning: (@Sendable (Int) async -> Void)? = nil
    ) {
        let limit = InFlightLimit(maximum: configuration.maximumInFlight)
        let maximumBodyBytes = configuration.maximumBodyBytes
        let router = Router()
        router.get("/atlassian-connect.json") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: descriptor)))
        }
        router.post(RouterPath(ConnectDescriptor.Path.webhooks)) { request, _ -> Response in
            let outcome = await limit.run {
                await Self.withBody(of: request, limit: maximumBodyBytes) { body in
                    await webhooks.receive(
                        target: request.uri.description, authorization: request.headers[.authorization],
                        deliveryIdentifier: Self.header("x-atlassian-webhook-identifier", of: request),
                        traceparent: Self.header("traceparent", of: request),
                        body: body)
                }
            }
            return Self.response(outcome ?? .unavailable)
        }
        router.post(RouterPath(Self.feedbackPath)) { request, _ -> Response in
            let outcome = await limit.run {
                await Self.withBody(of: request, limit: maximumBodyBytes) { body in
                    await feedback.receive(target: request.uri.description, authorization: request.headers[.authorization], body: body)
                }
            }
            return Self.response(outcome ?? .unavailable)
        }
        let paths: [(AppLifecycleEvent.Kind, String)] = [
            (.installed, ConnectDescriptor.Path.installed), (.uninstalled, ConnectDescriptor.Path.uninstalled),
            (.enabled, ConnectDescriptor.Path.enabled), (.disabled, ConnectDescriptor.Path.disabled),
        ]
        for (kind, path) in paths {
            router.post(RouterPath(path)) { request, _ -> Response in
                let outcome = await limit.run {
                    await Self.withBody(of: request, limit: maximumBodyBytes) { body in
                        await lifecycle.receive(kind: kind, target: request.uri.description, authorization: request.headers[.authorization], body: body)
                    }
                }
                return Self.response(outcome ?? .unavailable)
            }
        }
        application = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "mailbridge-webhooks"),
            onServerRunning: { channel in await onServerRunning?(channel.localAddress?.port ?? port) },
            logger: logger)
    }

    /// Where the app's pages in Jira post user feedback.
    public static let feedbackPath = "/feedback"

    public func run() async throws {
        try await application.run()
    }

    /// The value of the first header named `name` (case-insensitive).
    static func header(_ name: String, of request: Request) -> String? {
        request.headers.first { $0.name.canonicalName == name }?.value
    }

    /// Reads at most `limit` bytes of the body and hands them to `handle`; `.tooLarge` beyond.
    static func withBody(of request: Request, limit: Int, _ handle: ([UInt8]) async -> ReceiptOutcome) async -> ReceiptOutcome {
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limit {
            return .tooLarge
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch {
            // Hummingbird reports a body over the limit as an HTTP error with status 413.
            if let refusal = error as? any HTTPResponseError, refusal.status == .contentTooLarge { return .tooLarge }
            return .malformed
        }
        return await handle(Array(buffer.readableBytesView))
    }

    static func response(_ outcome: ReceiptOutcome) -> Response {
        var headers: HTTPFields = [:]
        if outcome == .tooLarge {
            // The rest of a refused body is not read; the connection is not reused.
            headers[.connection] = "close"
        }
        return Response(status: HTTPResponse.Status(code: outcome.status), headers: headers)
    }
}

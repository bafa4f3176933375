import Logging
import NIOHTTP1
import ServiceLifecycle
import Tenancy

/// The HTTP face of the service: the descriptor, the lifecycle callbacks and the Jira webhook
/// endpoint, at the paths `ConnectDescriptor.Path` names, and the feedback endpoint at
/// `feedbackPath`. Unknown routes are 404.
///
/// Bodies beyond `maximumBodyBytes` are refused with 413: at once when `Content-Length` says so,
/// else as soon as the bytes read pass the limit (the rest is never buffered). Calls that need
/// asynchronous work beyond `maximumInFlight` at once are answered 503. Error answers carry no
/// body detail. A webhook whose tenant is cached is handled on the event loop without a task
/// (`JiraWebhookReceiver.receiveWithoutWaiting`): a dropped event is answered at once, an
/// accepted one from the broker's acknowledgement.
public struct WebhookServer: Service {
    private let server: HTTPServerService

    /// - Parameters:
    ///   - port: 0 picks a free one, reported to `onServerRunning`.
    public init(
        host: String, port: Int, configuration: WebhookReceiptConfiguration, descriptor: [UInt8],
        webhooks: JiraWebhookReceiver, lifecycle: LifecycleReceiver, feedback: FeedbackReceiver, logger: Logger,
        onServerRunning: (@Sendable (Int) async -> Void)? = nil
    ) {
        let limit = InFlightLimit(maximum: configuration.maximumInFlight)
        var routes = WebhookRoutes()
        routes.add(.GET, "/atlassian-connect.json") { _ in
            .now(PlainResponse(status: .ok, contentType: "application/json", body: descriptor))
        }
        routes.add(.POST, ConnectDescriptor.Path.webhooks) { request in
            let pending = webhooks.receiveWithoutWaiting(
                target: request.target, authorization: request.header("authorization"),
                deliveryIdentifier: request.header("x-atlassian-webhook-identifier"), traceparent: request.header("traceparent"),
                body: request.body)
            switch pending {
            case .decided(let outcome):
                return .now(PlainResponse(outcome))
            case .reported(let start):
                return .reported { done in
                    guard limit.enter() else { return done(PlainResponse(.unavailable)) }
                    start { outcome in
                        limit.leave()
                        done(PlainResponse(outcome))
                    }
                }
            }
        }
        routes.add(.POST, Self.feedbackPath) { request in
            .later {
                let outcome = await limit.run {
                    await feedback.receive(target: request.target, authorization: request.header("authorization"), body: request.body)
                }
                return PlainResponse(outcome ?? .unavailable)
            }
        }
        let paths: [(AppLifecycleEvent.Kind, String)] = [
            (.installed, ConnectDescriptor.Path.installed), (.uninstalled, ConnectDescriptor.Path.uninstalled),
            (.enabled, ConnectDescriptor.Path.enabled), (.disabled, ConnectDescriptor.Path.disabled),
        ]
        for (kind, path) in paths {
            routes.add(.POST, path) { request in
                .later {
                    let outcome = await limit.run {
                        await lifecycle.receive(kind: kind, target: request.target, authorization: request.header("authorization"), body: request.body)
                    }
                    return PlainResponse(outcome ?? .unavailable)
                }
            }
        }
        server = HTTPServerService(
            host: host, port: port, routes: routes, maximumBodyBytes: configuration.maximumBodyBytes, serverName: "mailbridge-webhooks",
            logger: logger, onServerRunning: onServerRunning)
    }

    /// Where the app's pages in Jira post user feedback.
    public static let feedbackPath = "/feedback"

    public func run() async throws {
        try await server.run()
    }
}

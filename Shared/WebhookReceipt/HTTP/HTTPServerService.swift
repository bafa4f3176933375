import Logging
import NIOCore
import NIOExtras
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import Synchronization

/// A plain SwiftNIO HTTP/1.1 server for `WebhookRoutes`, run as a `Service`.
///
/// It is this small on purpose: the webhook endpoint's early drop is answered on the event loop
/// without creating a task, which a general framework cannot do (see `docs/architecture.md`,
/// "Webhook receipt"). On graceful shutdown the listening socket closes at once, idle
/// connections close, and requests in progress are answered before their connections close; a
/// connection with nothing read for `readTimeout` is closed. On cancellation every connection is
/// closed at once.
struct HTTPServerService: Service {
    let host: String
    let port: Int
    let routes: WebhookRoutes
    let maximumBodyBytes: Int
    let serverName: String
    var readTimeout: TimeAmount = .seconds(60)
    let logger: Logger
    let onServerRunning: (@Sendable (Int) async -> Void)?

    func run() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let quiesce = ServerQuiescingHelper(group: group)
        let routes = routes
        let maximumBodyBytes = maximumBodyBytes
        let serverName = serverName
        let readTimeout = readTimeout
        let connections = OpenConnections()
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(quiesce.makeServerChannelHandler(channel: channel))
                }
            }
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                connections.add(channel)
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: readTimeout))
                    // NIO's decoder (llhttp); answers are encoded, ordered and limited by our handler.
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes)))
                    try channel.pipeline.syncOperations.addHandler(
                        WebhookHTTPHandler(routes: routes, maximumBodyBytes: maximumBodyBytes, serverName: serverName))
                }
            }
            .bind(host: host, port: port).get()
        let boundPort = channel.localAddress?.port ?? port
        logger.info("HTTP server listening", metadata: ["host": "\(host)", "port": "\(boundPort)"])
        await onServerRunning?(boundPort)
        // Graceful shutdown or cancellation: stop accepting, let connections finish their request.
        try await withTaskCancellationHandler {
            try await withGracefulShutdownHandler {
                try await channel.closeFuture.get()
            } onGracefulShutdown: {
                quiesce.initiateShutdown(promise: nil)
            }
        } onCancel: {
            quiesce.initiateShutdown(promise: nil)
            connections.closeAll()
        }
        // Joins the shutdown under way; fails only if the socket closed some other way.
        let drained = group.next().makePromise(of: Void.self)
        quiesce.initiateShutdown(promise: drained)
        try await drained.futureResult.get()
    }
}

/// The connections a server has open, so cancellation can close them all.
private final class OpenConnections: Sendable {
    private let channels = Mutex<[ObjectIdentifier: any Channel]>([:])

    func add(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        channels.withLock { $0[id] = channel }
        channel.closeFuture.whenComplete { [self] _ in
            _ = channels.withLock { $0.removeValue(forKey: id) }
        }
    }

    func closeAll() {
        for channel in channels.withLock({ Array($0.values) }) { channel.close(promise: nil) }
    }
}

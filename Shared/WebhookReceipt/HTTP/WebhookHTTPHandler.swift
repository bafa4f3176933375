import NIOCore
import NIOHTTP1

/// Reads one HTTP/1.1 request at a time from a connection (NIO's pipelining handler holds the
/// next one back until this one is answered), routes it, and writes the answer.
///
/// - A body whose `Content-Length` exceeds `maximumBodyBytes` is refused with 413 at once; a
///   body without one is refused as soon as the bytes read pass the limit. The rest is never
///   buffered: the connection is closed after the answer.
/// - Unknown routes are 404 once the request has been read.
/// - A route's `.now` answer is written on the event loop with no task; `.later` runs in a task
///   and is written when it finishes.
final class WebhookHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        /// Between requests.
        case idle
        /// Reading the body of a routed request.
        case reading(HTTPRequestHead, WebhookRoutes.Handler, ByteBuffer)
        /// Reading (and dropping) the body of a request that gets `answer` at its end.
        case discarding(HTTPRequestHead, PlainResponse)
        /// Answered early; the connection closes and its input is ignored.
        case refused
    }

    private let routes: WebhookRoutes
    private let maximumBodyBytes: Int
    private let serverName: String
    private var state = State.idle

    init(routes: WebhookRoutes, maximumBodyBytes: Int, serverName: String) {
        self.routes = routes
        self.maximumBodyBytes = maximumBodyBytes
        self.serverName = serverName
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch (unwrapInboundIn(data), state) {
        case (.head(let head), .idle):
            guard let handler = routes.handler(for: head.method, target: head.uri) else {
                state = .discarding(head, PlainResponse(status: .notFound))
                return
            }
            if let declared = head.headers.first(name: "content-length").flatMap(Int.init), declared > maximumBodyBytes {
                refuse(context: context, head: head)
                return
            }
            state = .reading(head, handler, context.channel.allocator.buffer(capacity: 0))
        case (.body(var part), .reading(let head, let handler, var body)):
            guard body.readableBytes + part.readableBytes <= maximumBodyBytes else {
                refuse(context: context, head: head)
                return
            }
            state = .idle  // lets `body` be uniquely referenced while it grows
            body.writeBuffer(&part)
            state = .reading(head, handler, body)
        case (.end, .reading(let head, let handler, let body)):
            state = .idle
            let request = ReceivedRequest(
                method: head.method, target: head.uri, headers: head.headers, body: Array(body.readableBytesView))
            switch handler(request) {
            case .now(let response):
                write(response, to: head, context: context)
            case .later(let work):
                let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                Task {
                    let response = await work()
                    bound.eventLoop.execute {
                        let (handler, context) = bound.value
                        handler.write(response, to: head, context: context)
                    }
                }
            }
        case (.end, .discarding(let head, let response)):
            state = .idle
            write(response, to: head, context: context)
        case (.body, .discarding), (_, .refused):
            break
        case (.head, _), (.body, _), (.end, _):
            // NIO's pipelining handler delivers one request at a time; anything else is a bug.
            state = .refused
            context.close(promise: nil)
        }
    }

    /// A malformed request (NIO's error handler has answered 400) or a broken connection: close it.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        state = .refused
        context.close(promise: nil)
    }

    /// Answers 413 before the body is read and closes the connection after the answer.
    private func refuse(context: ChannelHandlerContext, head: HTTPRequestHead) {
        state = .refused
        write(PlainResponse(.tooLarge), to: head, context: context)
    }

    private func write(_ response: PlainResponse, to request: HTTPRequestHead, context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        let closes = response.closesConnection || !request.isKeepAlive
        var headers = HTTPHeaders()
        headers.reserveCapacity(4)
        headers.add(name: "server", value: serverName)
        if let contentType = response.contentType { headers.add(name: "content-type", value: contentType) }
        headers.add(name: "content-length", value: String(response.body.count))
        if closes { headers.add(name: "connection", value: "close") }
        let head = HTTPResponseHead(version: request.version, status: response.status, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if !response.body.isEmpty {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: response.body)))), promise: nil)
        }
        if closes {
            let loopBoundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in loopBoundContext.value.close(promise: nil) }
        } else {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}

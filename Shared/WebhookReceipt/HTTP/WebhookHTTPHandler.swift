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
/// - After an answer that closes the connection, requests pipelined behind it are ignored.
/// - A connection with nothing read for `readTimeout` is closed (a stalled client cannot hold a
///   graceful shutdown open).
final class WebhookHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        /// Between requests.
        case idle
        /// Reading the body of a routed request (into `body`).
        case reading(HTTPRequestHead, WebhookRoutes.Handler)
        /// Reading (and dropping) the body of a request that gets `answer` at its end.
        case discarding(HTTPRequestHead, PlainResponse)
        /// Answered with a closing answer; the connection closes and its input is ignored.
        case refused
    }

    private let routes: WebhookRoutes
    private let maximumBodyBytes: Int
    private let serverName: String
    private var state = State.idle
    private var body: ByteBuffer?
    /// True while this handler writes an answer. NIO's pipelining handler hands the next held
    /// request back from inside that write; answering it there too would nest one level per
    /// pipelined request, so such answers are written from a fresh event-loop turn instead.
    private var isWriting = false

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
            let declared = head.headers.first(name: "content-length").flatMap(Int.init)
            if let declared, declared > maximumBodyBytes {
                refuse(context: context, head: head)
                return
            }
            body = context.channel.allocator.buffer(capacity: declared ?? 0)
            state = .reading(head, handler)
        case (.body(var part), .reading(let head, _)):
            guard (body?.readableBytes ?? 0) + part.readableBytes <= maximumBodyBytes else {
                refuse(context: context, head: head)
                return
            }
            body?.writeBuffer(&part)
        case (.end, .reading(let head, let handler)):
            state = .idle
            let bytes = body.map { Array($0.readableBytesView) } ?? []
            body = nil
            let request = ReceivedRequest(method: head.method, target: head.uri, headers: head.headers, body: bytes)
            switch handler(request) {
            case .now(let response):
                answer(response, to: head, context: context)
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
            answer(response, to: head, context: context)
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

    /// Closes a connection on which nothing was read for the read timeout.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            state = .refused
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// Answers 413 before the body is read and closes the connection after the answer.
    private func refuse(context: ChannelHandlerContext, head: HTTPRequestHead) {
        body = nil
        state = .refused
        answer(PlainResponse(.tooLarge), to: head, context: context)
    }

    /// Writes an answer decided while reading: at once, or from a fresh event-loop turn when this
    /// read is itself happening inside one of our writes (see `isWriting`).
    private func answer(_ response: PlainResponse, to request: HTTPRequestHead, context: ChannelHandlerContext) {
        if response.closesConnection || !request.isKeepAlive {
            // Decided now, so nothing read before the deferred write below is handled either.
            state = .refused
        }
        guard isWriting else {
            write(response, to: request, context: context)
            return
        }
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        context.eventLoop.execute {
            let (handler, context) = bound.value
            handler.write(response, to: request, context: context)
        }
    }

    private func write(_ response: PlainResponse, to request: HTTPRequestHead, context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        let closes = response.closesConnection || !request.isKeepAlive
        if closes {
            // Nothing pipelined behind a closing answer is handled.
            state = .refused
        }
        var headers = HTTPHeaders()
        headers.reserveCapacity(4)
        headers.add(name: "server", value: serverName)
        if let contentType = response.contentType { headers.add(name: "content-type", value: contentType) }
        headers.add(name: "content-length", value: String(response.body.count))
        if closes {
            headers.add(name: "connection", value: "close")
        } else if request.version.major == 1, request.version.minor == 0 {
            headers.add(name: "connection", value: "keep-alive")
        }
        let head = HTTPResponseHead(version: request.version, status: response.status, headers: headers)
        isWriting = true
        defer { isWriting = false }
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

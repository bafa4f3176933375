import NIOCore
import NIOHTTP1

/// Reads HTTP/1.1 requests from a connection (decoded by NIO's `HTTPRequestDecoder`), routes
/// them, and writes the answers, already encoded, in the order the requests came.
///
/// - Pipelining: while a `.reported` answer is worked out, requests read behind it wait in a queue
///   and no more is read from the socket; they are handled, in order, once it is written.
/// - A body whose `Content-Length` exceeds `maximumBodyBytes` is refused with 413 at once; a
///   body without one is refused as soon as the bytes read pass the limit. The rest is never
///   buffered. The connection's output is closed after the 413 and its input read and dropped for
///   `lingerTime` before the connection closes, so the client reads the answer instead of a reset.
/// - `Expect: 100-continue` is answered `100 Continue` before a body the route will read.
/// - Unknown routes are 404 once the request has been read; a request NIO cannot parse is 400
///   (when no answer is owed before it) and closes the connection.
/// - After an answer that closes the connection, requests pipelined behind it are ignored.
/// - In a graceful shutdown (NIO's `ChannelShouldQuiesceEvent`), an idle connection closes at
///   once and a busy one after the answer it is owed.
/// - A connection with nothing read for `readTimeout` is closed (by the `IdleStateHandler` in
///   front), so a stalled client cannot hold a graceful shutdown open.
final class WebhookHTTPHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum State {
        /// Between requests.
        case idle
        /// Reading the body of a routed request (into `body`).
        case reading(HTTPRequestHead, WebhookRoutes.Handler)
        /// Reading (and dropping) the body of a request that gets `answer` at its end.
        case discarding(HTTPRequestHead, PlainResponse)
        /// A `.reported` answer is being worked out; what is read meanwhile waits in `queued`.
        case answering
        /// Answered with a closing answer; the connection closes and its input is ignored.
        case refused
    }

    private let routes: WebhookRoutes
    private let maximumBodyBytes: Int
    private let serverName: String
    private let lingerTime: TimeAmount
    private var state = State.idle
    private var body: ByteBuffer?
    /// Request parts read while `answering`, handled in order after that answer.
    private var queued = CircularBuffer<HTTPServerRequestPart>()
    /// A read from the socket was asked for while `answering`; it is made after the answer.
    private var readHeld = false
    /// NIO could not parse what followed the queued requests: 400 once they are answered.
    private var parseFailed = false
    /// A flush of the answers written so far is scheduled for this turn of the event loop.
    private var flushScheduled = false
    /// The server is shutting down gracefully: the answer owed (if any) closes the connection.
    private var quiescing = false

    init(routes: WebhookRoutes, maximumBodyBytes: Int, serverName: String, lingerTime: TimeAmount = .seconds(2)) {
        self.routes = routes
        self.maximumBodyBytes = maximumBodyBytes
        self.serverName = serverName
        self.lingerTime = lingerTime
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        switch state {
        case .answering:
            queued.append(part)
        case .refused:
            break
        case .idle, .reading, .discarding:
            handle(part, context: context)
        }
    }

    /// Holds reads from the socket while an answer is owed, so a client cannot queue without bound.
    func read(context: ChannelHandlerContext) {
        if case .answering = state {
            readHeld = true
        } else {
            context.read()
        }
    }

    /// A request NIO cannot parse gets 400 (after the answers owed before it) and closes the
    /// connection; any other error closes it at once.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard error is HTTPParserError else {
            state = .refused
            context.close(promise: nil)
            return
        }
        switch state {
        case .answering:
            parseFailed = true
        case .idle, .reading, .discarding:
            answerBadRequest(context: context)
        case .refused:
            break
        }
    }

    private func answerBadRequest(context: ChannelHandlerContext) {
        state = .refused
        queued.removeAll()
        var buffer = context.channel.allocator.buffer(capacity: 96)
        buffer.writeString("HTTP/1.1 400 Bad Request\r\nserver: \(serverName)\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in bound.value.close(promise: nil) }
    }

    /// Closes a connection on which nothing was read for the read timeout, and, in a graceful
    /// shutdown, an idle connection at once and a busy one after its answer.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            quiescing = true
            if case .idle = state, queued.isEmpty {
                state = .refused
                context.close(promise: nil)
            }
            return
        }
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            state = .refused
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    private func handle(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        switch (part, state) {
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
            if head.version.major == 1, head.version.minor >= 1, head.headers.contains(name: "expect"),
                head.headers.first(name: "expect")?.lowercased() == "100-continue"
            {
                var buffer = context.channel.allocator.buffer(capacity: 25)
                buffer.writeStaticString("HTTP/1.1 100 Continue\r\n\r\n")
                context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
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
                write(response, to: head, context: context)
            case .reported(let start):
                state = .answering
                let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                start { response in
                    // Always a later turn of the loop, even when reported at once from here.
                    bound.eventLoop.execute {
                        let (handler, context) = bound.value
                        handler.finishAnswering(response, to: head, context: context)
                    }
                }
            }
        case (.end, .discarding(let head, let response)):
            state = .idle
            write(response, to: head, context: context)
        case (.body, .discarding), (_, .refused):
            break
        case (.head, _), (.body, _), (.end, _):
            // The decoder delivers head, body, end in turn; anything else is a bug.
            state = .refused
            context.close(promise: nil)
        }
    }

    /// Writes a `.reported` answer, then handles what was read meanwhile, in order, in this turn of
    /// the event loop (a loop, not a call per request), and resumes reading.
    private func finishAnswering(_ response: PlainResponse, to head: HTTPRequestHead, context: ChannelHandlerContext) {
        guard case .answering = state else { return }
        state = .idle
        write(response, to: head, context: context)
        while !queued.isEmpty {
            switch state {
            case .idle, .reading, .discarding:
                handle(queued.removeFirst(), context: context)
            case .answering:
                return
            case .refused:
                queued.removeAll()
            }
        }
        if parseFailed {
            switch state {
            case .answering, .refused:
                break
            case .idle, .reading, .discarding:
                answerBadRequest(context: context)
            }
            return
        }
        if readHeld, context.channel.isActive {
            switch state {
            case .answering:
                break
            case .idle, .reading, .discarding, .refused:
                readHeld = false
                context.read()
            }
        }
    }

    /// Answers 413 before the body is read; the connection closes after the answer.
    private func refuse(context: ChannelHandlerContext, head: HTTPRequestHead) {
        body = nil
        write(PlainResponse(.tooLarge), to: head, context: context)
    }

    private func write(_ response: PlainResponse, to request: HTTPRequestHead, context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        let closes = response.closesConnection || !request.isKeepAlive || quiescing
        if closes {
            // Nothing pipelined behind a closing answer is handled.
            state = .refused
            queued.removeAll()
        }
        let isHTTP10 = request.version.major == 1 && request.version.minor == 0
        var buffer = context.channel.allocator.buffer(capacity: 128 + response.body.count)
        buffer.writeStaticString(isHTTP10 ? "HTTP/1.0 " : "HTTP/1.1 ")
        buffer.writeString(String(response.status.code))
        buffer.writeStaticString(" ")
        buffer.writeString(response.status.reasonPhrase)
        buffer.writeStaticString("\r\nserver: ")
        buffer.writeString(serverName)
        if let contentType = response.contentType {
            buffer.writeStaticString("\r\ncontent-type: ")
            buffer.writeString(contentType)
        }
        buffer.writeStaticString("\r\ncontent-length: ")
        buffer.writeString(String(response.body.count))
        if closes {
            buffer.writeStaticString("\r\nconnection: close")
        } else if isHTTP10 {
            buffer.writeStaticString("\r\nconnection: keep-alive")
        }
        buffer.writeStaticString("\r\n\r\n")
        buffer.writeBytes(response.body)
        guard closes else {
            // Flushed after the event loop has handled every connection that was ready in this
            // turn: the answers leave back to back, so a client sleeping on them is woken once per
            // batch rather than once per answer (measured in docs/benchmarks.md).
            context.write(wrapOutboundOut(buffer), promise: nil)
            guard !flushScheduled else { return }
            flushScheduled = true
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            context.eventLoop.execute {
                let (handler, context) = bound.value
                handler.flushScheduled = false
                context.flush()
            }
            return
        }
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        let written = context.writeAndFlush(wrapOutboundOut(buffer))
        guard response.closesConnection else {
            written.whenComplete { _ in bound.value.close(promise: nil) }
            return
        }
        // The client may still be sending the refused body: closing now, with its bytes unread,
        // risks a reset that reaches the client before it reads the answer (RFC 9112 §9.6). Close
        // the output, drop the input for a while, then close (as nginx's lingering close does).
        let lingerTime = lingerTime
        written.whenComplete { _ in
            let context = bound.value
            context.close(mode: .output, promise: nil)
            context.eventLoop.scheduleTask(in: lingerTime) { bound.value.close(promise: nil) }
        }
    }
}

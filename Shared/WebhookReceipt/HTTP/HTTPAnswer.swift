import NIOCore
import NIOHTTP1

/// One request with its whole body, as a route sees it.
struct ReceivedRequest: Sendable {
    var method: HTTPMethod
    /// The request target as received (`/path?query`).
    var target: String
    var headers: HTTPHeaders
    var body: [UInt8]

    /// The first value of the header `name` (case-insensitive).
    func header(_ name: String) -> String? {
        headers.first(name: name)
    }
}

/// The answer to one request: status, optional body, and whether the connection ends after it.
struct PlainResponse: Sendable, Equatable {
    var status: HTTPResponseStatus
    var contentType: String?
    var body: [UInt8]
    /// The rest of the connection's input is not read (a refused body): close after answering.
    var closesConnection: Bool

    init(status: HTTPResponseStatus, contentType: String? = nil, body: [UInt8] = [], closesConnection: Bool = false) {
        self.status = status
        self.contentType = contentType
        self.body = body
        self.closesConnection = closesConnection
    }

    /// The answer for an outcome: its status, no body (error answers carry no detail).
    init(_ outcome: ReceiptOutcome) {
        self.init(status: HTTPResponseStatus(statusCode: outcome.status), closesConnection: outcome == .tooLarge)
    }
}

/// What a route does with a request: answer at once on the event loop (a cached decision that
/// needs no I/O), or once work it starts reports (a produce acknowledged, a database look-up).
enum RouteAnswer: Sendable {
    case now(PlainResponse)
    /// Called once on the event loop with a callback: starts the work, which calls the callback
    /// exactly once with the answer, from any thread.
    case reported(@Sendable (@escaping @Sendable (PlainResponse) -> Void) -> Void)

    /// Asynchronous work, run in a task of its own, as a `.reported` answer.
    static func later(_ work: @escaping @Sendable () async -> PlainResponse) -> RouteAnswer {
        .reported { done in Task { done(await work()) } }
    }
}

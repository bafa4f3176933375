import NIOHTTP1

/// The service's routes by method and path (the target without its query). Unknown routes are
/// 404; only exact paths match.
struct WebhookRoutes: Sendable {
    typealias Handler = @Sendable (ReceivedRequest) -> RouteAnswer

    private var handlers: [RouteKey: Handler] = [:]

    private struct RouteKey: Hashable {
        var method: String
        var path: String
    }

    mutating func add(_ method: HTTPMethod, _ path: String, _ handler: @escaping Handler) {
        handlers[RouteKey(method: method.rawValue, path: path)] = handler
    }

    /// The handler for `target` (its path part), or nil when no route matches.
    func handler(for method: HTTPMethod, target: String) -> Handler? {
        let path = target.firstIndex(of: "?").map { String(target[..<$0]) } ?? target
        return handlers[RouteKey(method: method.rawValue, path: path)]
    }
}

public import GreenlightCore
public import Testing

/// Expects `body` to throw a ``GreenlightError`` with `code` and returns it, so a test can go on to check
/// what matters beyond the code (``GreenlightError/location``, ``GreenlightError/parameter``) without
/// depending on the wording of the message.
///
/// ```swift
/// let error = expectCode(.invalidArgument) { try Estimator.estimate(request) }
/// #expect(error?.parameter?.name == "pue")
/// ```
@discardableResult
public func expectCode<R>(
    _ code: GreenlightError.Code, _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> R
) -> GreenlightError? {
    do {
        _ = try body()
        return judge(nil, code, comment, sourceLocation)
    } catch {
        return judge(error, code, comment, sourceLocation)
    }
}

/// ``expectCode(_:_:sourceLocation:_:)`` for an `async` body.
@discardableResult
public func expectCode<R>(
    _ code: GreenlightError.Code, _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> R
) async -> GreenlightError? {
    do {
        _ = try await body()
        return judge(nil, code, comment, sourceLocation)
    } catch {
        return judge(error, code, comment, sourceLocation)
    }
}

/// Records an issue unless `error` is a ``GreenlightError`` with `code`; returns it when it is one.
private func judge(_ error: (any Error)?, _ code: GreenlightError.Code, _ comment: Comment?, _ sourceLocation: SourceLocation) -> GreenlightError? {
    guard let error else {
        Issue.record("expected a GreenlightError (\(code)), got none\(comment.map { ": \($0)" } ?? "")", sourceLocation: sourceLocation)
        return nil
    }
    guard let error = error as? GreenlightError else {
        Issue.record("expected a GreenlightError (\(code)), got \(error)", sourceLocation: sourceLocation)
        return nil
    }
    #expect(error.code == code, "\(error.message)\(comment.map { " (\($0))" } ?? "")", sourceLocation: sourceLocation)
    return error
}

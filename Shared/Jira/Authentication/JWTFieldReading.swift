/// Reading a token's header and claims with `JSONFieldReader`: one pass, only the fields we use,
/// strict about their types (a time must be a whole number, `aud` a string or strings).
extension JWTHeader {
    private static let reader = JSONFieldReader(paths: [["alg"], ["typ"], ["kid"]])

    /// Nil when `json` is not an object with a string `alg` (and string or absent `typ`, `kid`).
    init?(json: [UInt8]) {
        guard let fields = try? Self.reader.read(json),
            case .string(let alg)? = fields[["alg"]],
            let typ = fields[["typ"]].optionalString, let kid = fields[["kid"]].optionalString
        else { return nil }
        self.init(alg: alg, typ: typ.value, kid: kid.value)
    }
}

extension JWTClaims {
    private static let reader = JSONFieldReader(paths: [["iss"], ["sub"], ["aud"], ["iat"], ["exp"], ["nbf"], ["qsh"]])

    /// Nil when `json` is not an object whose claims we read have the expected types.
    init?(json: [UInt8]) {
        guard let fields = try? Self.reader.read(json),
            let iss = fields[["iss"]].optionalString, let sub = fields[["sub"]].optionalString, let qsh = fields[["qsh"]].optionalString,
            let iat = fields[["iat"]].optionalInteger, let exp = fields[["exp"]].optionalInteger, let nbf = fields[["nbf"]].optionalInteger
        else { return nil }
        var audience: [String]?
        switch fields[["aud"]] {
        case nil, .null?: audience = nil
        case .string(let single)?: audience = [single]
        case .array(let values)?:
            var strings: [String] = []
            for value in values {
                guard case .string(let string) = value else { return nil }
                strings.append(string)
            }
            audience = strings
        default: return nil
        }
        self.init(iss: iss.value, sub: sub.value, aud: audience, iat: iat.value, exp: exp.value, nbf: nbf.value, qsh: qsh.value)
    }
}

/// A field that may be absent or null: the outer optional is "wrong type".
private struct Present<T> {
    let value: T?
}

extension Optional where Wrapped == JSONFieldReader.Value {
    fileprivate var optionalString: Present<String>? {
        switch self {
        case nil, .null?: Present(value: nil)
        case .string(let value)?: Present(value: value)
        default: nil
        }
    }

    fileprivate var optionalInteger: Present<Int64>? {
        switch self {
        case nil, .null?: Present(value: nil)
        case .integer(let value)?: Present(value: value)
        default: nil
        }
    }
}

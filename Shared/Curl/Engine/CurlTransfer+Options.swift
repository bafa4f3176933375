import CCurl

extension CurlTransfer {
    /// Applies the module's defaults, then `request`'s options, body, destination and callbacks.
    func configure(_ request: CurlTransferRequest) throws(CurlTransferFailure) {
        let userdata = Unmanaged.passUnretained(self).toOpaque()

        try set(CURLOPT_URL, request.url)
        // Timeouts must never raise signals: this handle runs on a thread among others.
        try set(CURLOPT_NOSIGNAL, 1)
        try set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(errorBuffer))
        try set(CURLOPT_PRIVATE, pointer: userdata)
        try set(CURLOPT_TCP_KEEPALIVE, 1)

        for option in request.options {
            switch option {
            case .long(let name, let value):
                try set(name, value)
            case .offset(let name, let value):
                try check(mb_curl_setopt_off_t(handle, name, curl_off_t(value)), name)
            case .string(let name, let value):
                try set(name, value)
            case .list(let name, let strings):
                let list = try CurlStringList(strings)
                lists.append(list)
                try check(mb_curl_setopt_slist(handle, name, list.head), name)
            }
        }

        switch request.upload {
        case nil:
            break
        case .postFields(let bytes):
            // libcurl reads the body from this buffer (without copying) until the handle is cleaned up.
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
            buffer.copyBytes(from: bytes)
            postFields = buffer
            try check(mb_curl_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bytes.count)), CURLOPT_POSTFIELDSIZE_LARGE)
            try set(CURLOPT_POSTFIELDS, pointer: buffer.baseAddress!)
        case .bytes(let bytes):
            reader = CurlUploadReader(bytes: bytes)
            try setUploadCallback(userdata)
        case .file(let path):
            reader = try CurlUploadReader(path: path)
            try setUploadCallback(userdata)
        }

        sink = try CurlBodySink(request.destination)
        if case .file(_, let limit?) = request.destination {
            // Stops early when the server announces a larger body; the sink stops it otherwise.
            try check(mb_curl_setopt_off_t(handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(limit)), CURLOPT_MAXFILESIZE_LARGE)
        }
        try check(mb_curl_setopt_data_callback(handle, CURLOPT_WRITEFUNCTION, curlWriteCallback), CURLOPT_WRITEFUNCTION)
        try set(CURLOPT_WRITEDATA, pointer: userdata)

        collectsHeaders = request.collectsHeaders
        if request.collectsHeaders {
            try check(mb_curl_setopt_data_callback(handle, CURLOPT_HEADERFUNCTION, curlHeaderCallback), CURLOPT_HEADERFUNCTION)
            try set(CURLOPT_HEADERDATA, pointer: userdata)
        }
        if request.capturesServerReplies {
            try check(mb_curl_setopt_debug_callback(handle, curlDebugCallback), CURLOPT_DEBUGFUNCTION)
            try set(CURLOPT_DEBUGDATA, pointer: userdata)
            try set(CURLOPT_VERBOSE, 1)
        }
    }

    private func setUploadCallback(_ userdata: UnsafeMutableRawPointer) throws(CurlTransferFailure) {
        try set(CURLOPT_UPLOAD, 1)
        try check(mb_curl_setopt_data_callback(handle, CURLOPT_READFUNCTION, curlReadCallback), CURLOPT_READFUNCTION)
        try set(CURLOPT_READDATA, pointer: userdata)
    }

    private func set(_ option: CURLoption, _ value: Int) throws(CurlTransferFailure) {
        try check(mb_curl_setopt_long(handle, option, value), option)
    }

    private func set(_ option: CURLoption, _ value: String) throws(CurlTransferFailure) {
        // libcurl copies string options.
        try check(mb_curl_setopt_string(handle, option, value), option)
    }

    private func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer) throws(CurlTransferFailure) {
        try check(mb_curl_setopt_pointer(handle, option, pointer), option)
    }

    func check(_ code: CURLcode, _ option: CURLoption) throws(CurlTransferFailure) {
        guard code == CURLE_OK else {
            throw CurlTransferFailure(
                code: CurlError.Code(rawValue: Int(code.rawValue)),
                message: "curl_easy_setopt(\(option.rawValue)) failed: \(String(cString: curl_easy_strerror(code)))"
            )
        }
    }
}

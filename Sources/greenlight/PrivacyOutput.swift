import ArgumentParser
import Foundation
import GreenlightCore

/// ``OutputTarget/check(outputs:reading:stdout:)``, as the privacy commands call it.
func checkPrivacyOutputs(_ outputs: [String?], reading inputs: [String?], stdout: Bool = false) throws {
    try OutputTarget.check(outputs: outputs, reading: inputs, stdout: stdout)
}

/// Why a Foundation file operation failed, as the system says it (`No such file or directory`).
func reason(_ error: any Error) -> String {
    let ns = error as NSError
    if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
        return String(cString: strerror(Int32(truncatingIfNeeded: underlying.code)))
    }
    if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(truncatingIfNeeded: ns.code))) }
    return ns.localizedDescription
}

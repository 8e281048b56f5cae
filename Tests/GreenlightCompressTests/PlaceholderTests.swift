import Testing
@testable import GreenlightCompress

import Foundation
import HealthCardFoundation
import HealthQR
import HealthQRImaging
import PersonalHealthCode

/// A folder a camera writes frames into: PNG, JPEG, or raw 8-bit grey frames (`.grey`, Y800,
/// `width × height` bytes). Each frame is decoded with zbar (`QRImageCodec`) once and then
/// removed. Frames whose name starts with `.` are ignored, so a camera program writes
/// `.frame.tmp` and renames it, and the station never reads half a frame.
///
/// A frame without a code is an empty scene, not a passage: it is dropped without logging. A
/// frame that holds a code gives a ``Credential``; a frame that cannot be read is reported.
final class FrameDirectory {
    let directory: String
    let codec: QRImageCodec
    let greySize: (width: Int, height: Int)?
    static let extensions: Set<String> = ["png", "jpg", "jpeg", "grey", "gray", "y800"]

    init(directory: String, greyWidth: Int?, greyHeight: Int?, maxPixels: Int) {
        self.directory = directory
        codec = QRImageCodec(maxPixels: maxPixels)
        if let greyWidth, let greyHeight { greySize = (greyWidth, greyHeight) } else { greySize = nil }
    }

    /// One finding per frame that held a code or could not be read, oldest name first.
    enum Finding {
        case credential(Credential, text: String, frame: String)
        case unreadable(frame: String, reason: String)
    }

    /// Takes every waiting frame.
    ///
    /// - Throws: `HealthCardError` when the folder itself cannot be listed.
    func poll() throws -> [Finding] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw HealthCardError.invalidValue("\(directory): cannot list frames (\(errorText(error)))")
        }
        var findings: [Finding] = []
        for name in names.sorted()
        where !name.hasPrefix(".") && Self.extensions.contains((name as NSString).pathExtension.lowercased()) {
            let path = directory + "/" + name
            defer { try? FileManager.default.removeItem(atPath: path) }
            do {
                let payloads: [[UInt8]]
                if ["grey", "gray", "y800"].contains((name as NSString).pathExtension.lowercased()) {
                    guard let greySize else {
                        findings.append(.unreadable(frame: name, reason: "a grey frame, but greyWidth/greyHeight are not configured"))
                        continue
                    }
                    payloads = try codec.payloads(inGreyFrameAt: path, width: greySize.width, height: greySize.height)
                } else {
                    payloads = try codec.payloads(inFileAt: path)
                }
                guard !payloads.isEmpty else { continue }
                let credential = Credential(scannedPayloads: payloads, imageName: name, presentedBy: nil)
                let text = payloads.count == 1 ? String(decoding: payloads[0], as: UTF8.self) : name
                findings.append(.credential(credential, text: text, frame: name))
            } catch {
                findings.append(.unreadable(frame: name, reason: errorText(error)))
            }
        }
        return findings
    }
}

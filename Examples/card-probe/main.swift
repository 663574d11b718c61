// hcard-card-probe: lists the PC/SC readers and the card in each, using only the card stack
// (HealthCardFoundation, ResidentCard, ResidentCardPCSC). It exists to show, and to let
// Scripts/check-links.sh prove with ldd, that a program that only reads cards links neither
// SQLite nor the image libraries (zbar, libqrencode, libpng, libjpeg).
import Foundation
import HealthCardFoundation
import ResidentCard
import ResidentCardPCSC

do {
    let context = try PCSCContext()
    for reader in try context.readerStates() {
        let atr = reader.answerToReset.map { Hex.encode($0) } ?? "-"
        let role = reader.holdsRecognisedSAM ? "SAM" : (reader.cardPresent ? "card" : "empty")
        print("\(reader.name)\t\(role)\t\(atr)")
    }
} catch {
    print("hcard-card-probe: \(error)")
    exit(1)
}

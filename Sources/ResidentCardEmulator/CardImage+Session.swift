import Foundation
import HealthCardFoundation
import ResidentCard

extension EmulatedCardChannel where Card == VirtualCard {
    /// The virtual card of the image file at `path`, for one session: takes the file's exclusive
    /// lock (`AtomicFile/ExclusiveLock`), loads the image (``CardImage/load(from:)``) and saves
    /// it after every command that changed the card. The lock is held as long as the channel lives.
    ///
    /// Why the lock spans the session: a session reads the card (the DF03 index: which slot is
    /// free), then writes. Five `hcard write outpatient --image c.json` at once each loaded the same
    /// image, each found slot 1 free, each said "written", and the last save won: four acknowledged
    /// visits were lost. Under the lock the sessions take turns, as five terminals would with one
    /// card, and each sees the card the previous one left.
    ///
    /// An image in a directory this process may not write (a read-only checkout) is read without
    /// the lock: the sidecar cannot be created there, and no session can save into it either, so
    /// there is no write to lose (a change to such an image fails when it is saved).
    ///
    /// A session waits for the lock at most ``lockPatience``: an image that `hcard emulate` has
    /// put into a reader stays locked for as long as the emulation runs, and a session on the file
    /// behind it is refused with the reason rather than left hanging.
    ///
    /// - Throws: `FileAccessError` if the lock cannot be taken (`EWOULDBLOCK`: held by another
    ///   process for longer than ``lockPatience``); `HealthCardError` naming the file if the image
    ///   does not load.
    public static func lockedImage(at path: String, usesT0: Bool = false) throws -> EmulatedCardChannel<VirtualCard> {
        let lock = try readOnlyTolerantLock(path, patience: lockPatience)
        let url = URL(fileURLWithPath: path)
        let image = try CardImage.load(from: url)
        return EmulatedCardChannel(VirtualCard(image: image, usesT0: usesT0)) { card in
            try withExtendedLifetime(lock) { try card.image.save(to: url) }
        }
    }

    /// How long a session waits for another process's session on the same image to end.
    public static var lockPatience: Duration { .seconds(30) }

    /// The exclusive lock of `path`, or `nil` where the directory cannot hold its sidecar.
    static func readOnlyTolerantLock(_ path: String, patience: Duration?) throws -> AtomicFile.ExclusiveLock? {
        do {
            return try AtomicFile.ExclusiveLock(path, patience: patience)
        } catch {
            guard error.code == EACCES || error.code == EROFS else { throw error }
            return nil
        }
    }
}

extension CardImage {
    /// The image at `path`, loaded for an emulation (`hcard emulate`) together with the file's
    /// exclusive lock, which the caller holds for as long as the card is in the reader and
    /// releases after its last save.
    ///
    /// Why: an emulated card saves the image after every command that changes it, so a second
    /// process writing the same file meanwhile (`hcard write --image`, another emulation) would be
    /// overwritten by the next save. The lock is taken without waiting: a file already in use is
    /// refused at once, and sessions that start during the emulation are refused after
    /// ``EmulatedCardChannel/lockPatience`` instead of losing their write.
    ///
    /// - Throws: `FileAccessError` (`EWOULDBLOCK`) if another process holds the lock;
    ///   `HealthCardError` naming the file if the image does not load.
    public static func loadForEmulation(at path: String) throws -> (image: CardImage, lock: AtomicFile.ExclusiveLock?) {
        let lock = try EmulatedCardChannel<VirtualCard>.readOnlyTolerantLock(path, patience: .zero)
        return (try CardImage.load(from: URL(fileURLWithPath: path)), lock)
    }
}

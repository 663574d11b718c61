import Metrics
import Prometheus

/// The process's Prometheus registry, installed as the swift-metrics backend once per process
/// (swift-metrics allows one bootstrap; several servers in one test process share it).
enum ServerMetrics {
    static let registry = PrometheusCollectorRegistry()
    private static let installed: Void = {
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
    }()

    static func bootstrap() { _ = installed }

    /// The text exposition format of every metric.
    static func exposition() -> [UInt8] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}

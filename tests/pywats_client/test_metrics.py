"""Metrics and the Prometheus text format."""

from __future__ import annotations

from pywats_client._metrics import Metrics


def test_counters_histograms_and_gauges_render() -> None:
    metrics = Metrics()
    metrics.counter("delivered_total", "Reports delivered.")
    metrics.histogram("upload_seconds", "Upload time.")
    metrics.gauge("pending", "Waiting.", lambda: [((), 7.0)])
    metrics.inc("delivered_total", converter="wsjf")
    metrics.inc("delivered_total", 2, converter='we"ird')
    metrics.observe("upload_seconds", 0.02, converter="wsjf")
    metrics.observe("upload_seconds", 3.0, converter="wsjf")
    text = metrics.render()
    assert "# TYPE pywats_client_delivered_total counter" in text
    assert 'pywats_client_delivered_total{converter="wsjf"} 1' in text
    assert 'pywats_client_delivered_total{converter="we\\"ird"} 2' in text
    assert 'pywats_client_upload_seconds_bucket{converter="wsjf",le="0.025"} 1' in text
    assert 'pywats_client_upload_seconds_bucket{converter="wsjf",le="5"} 2' in text
    assert 'pywats_client_upload_seconds_bucket{converter="wsjf",le="+Inf"} 2' in text
    assert 'pywats_client_upload_seconds_count{converter="wsjf"} 2' in text
    assert "pywats_client_pending 7" in text
    assert metrics.total("delivered_total") == 3
    assert metrics.value("delivered_total", converter="wsjf") == 1

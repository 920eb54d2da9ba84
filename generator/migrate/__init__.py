"""`ekstf migrate`: eksctl ClusterConfig files and live eksctl clusters → an ekstf spec, a report, import blocks."""

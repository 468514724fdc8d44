"""The FewRel val_wiki relation split of docs/BENCHMARKS.md, "Benchmark protocols" (MetaNlp's DatasetRegistry.FewRelSplit), for the bench scripts."""

TRAIN = ["P25", "P26", "P40", "P59", "P155", "P177", "P206", "P361"]
VALIDATION = ["P364", "P410", "P412"]
TEST = ["P413", "P463", "P641", "P921", "P2094"]

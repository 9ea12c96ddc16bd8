"""From trained to training: cascade courses run by graduates, recorded cascade trainings, and
the network's reach. Above every other feature: it reads courses, progress and certificates."""

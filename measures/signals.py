"""What measures announces to the apps above it, which it may not import."""

from django.dispatch import Signal

# Sent with client_id= and response= inside the transaction that records a completed questionnaire
# (measures.services). formulation looks again for the symptom-shift pattern once it commits.
response_completed = Signal()

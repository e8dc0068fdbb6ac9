from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"

    def ready(self) -> None:
        from events.services import subscriptions_loader_set
        from events.signals import events_committed
        from webhooks import services, tasks

        subscriptions_loader_set(services.subscribed_patterns)
        services.enqueue_hook_set(tasks._publish)
        events_committed.connect(tasks.events_committed, dispatch_uid="webhooks-dispatch")

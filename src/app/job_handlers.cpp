#include "app/job_handlers.hpp"

#include "app/batch_jobs.hpp"
#include "app/edit_jobs.hpp"
#include "app/lifecycle_jobs.hpp"
#include "app/match_jobs.hpp"
#include "app/sync_jobs.hpp"

namespace plm::app {

JobHandlers job_handlers(Services& services) {
  const auto spotify_for = [&services](const core::SpotifyAccount& account) {
    return std::shared_ptr<core::SpotifyApi>(services.spotify_for(account));
  };
  JobHandlers handlers;
  add_sync_handlers(handlers, SyncJobDeps{.accounts = services.accounts(),
                                          .playlists = services.playlists(),
                                          .journal = services.journal(),
                                          .clock = services.clock(),
                                          .spotify_for = spotify_for,
                                          .in_flight = services.config().sync_in_flight});
  add_lifecycle_handlers(handlers, LifecycleJobDeps{.accounts = services.accounts(),
                                                    .playlists = services.playlists(),
                                                    .journal = services.journal(),
                                                    .clock = services.clock(),
                                                    .spotify_for = spotify_for});
  const EditJobDeps edit_deps{.accounts = services.accounts(),
                              .playlists = services.playlists(),
                              .journal = services.journal(),
                              .unit_of_work = services.unit_of_work(),
                              .clock = services.clock(),
                              .spotify_for = spotify_for};
  add_edit_handlers(handlers, edit_deps);
  add_batch_handlers(handlers, edit_deps);
  add_match_handlers(handlers,
                     MatchJobDeps{.accounts = services.accounts(),
                                  .matches = services.matches(),
                                  .clock = services.clock(),
                                  .spotify_for = [&services](const core::SpotifyAccount& account) {
                                    return services.spotify_for(account);
                                  }});
  return handlers;
}

}  // namespace plm::app
